"""An answer, token by token, after a prompt: llama.cpp's sampler chain, in C.

The chain is the one llama-cpp-python's ``Llama`` built for the worker before (same order,
same defaults), with the logit bias done by llama.cpp rather than in numpy: forbidden tokens
first, the repetition penalty, the grammar when the output must be JSON, then top-k, top-p,
min-p, the temperature and the draw.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from hospidesk.engine.native import Model, TooLong
from hospidesk.engine.protocol import GenerationOptions

TOP_K = 40
MIN_P = 0.05
PENALTY_LAST_N = 64
"""llama-cpp-python's defaults, which the worker used through ``Llama`` before."""


class GrammarError(ValueError):
    """A JSON schema that cannot become a grammar, or a grammar llama.cpp refused."""


@dataclass(frozen=True)
class Sampling:
    """The request's options as llama.cpp's sampler takes them."""

    options: GenerationOptions
    """``max_tokens`` 0: until the context is full."""
    grammar: str | None = None
    """GBNF the answer must follow (its rule ``root``)."""
    banned: frozenset[int] = frozenset()
    """Tokens never drawn (the end of the text, to write ``max_tokens``)."""

    @classmethod
    def of(cls, model: Model, options: GenerationOptions) -> Sampling:
        """The JSON schema as a grammar (or the grammar given); ``keep_writing`` as every end
        token forbidden (never under a grammar, which alone ends the text)."""
        if options.json_schema:
            return cls(options, grammar=json_grammar(options.json_schema))
        if options.grammar:
            return cls(options, grammar=options.grammar)
        return cls(options, banned=model.ends() if options.keep_writing else frozenset())


def json_grammar(schema: str) -> str:
    """The GBNF for JSON that follows ``schema`` (llama-cpp-python's converter)."""
    from hospidesk.engine.native import binding

    try:
        return str(binding("llama_grammar").json_schema_to_gbnf(schema))
    except Exception as exc:  # the converter asserts, and fails in many ways on odd schemas
        raise GrammarError(f"JSON schema not supported: {exc!r}") from exc


class Completion:
    """Iterate for the answer's text, piece by piece; then ``finish_reason`` says why it
    ended (``stop``: the model ended it; ``length``: ``max_tokens`` or the context's end)
    and ``generated`` how many tokens were drawn."""

    def __init__(self, model: Model, tokens: Sequence[int], sampling: Sampling) -> None:
        if not tokens:
            raise RuntimeError("empty prompt")
        if len(tokens) >= model.n_ctx:
            raise TooLong(f"{len(tokens)} tokens for a context of {model.n_ctx}")
        self.model = model
        self.tokens = list(tokens)
        self.sampling = sampling
        self.finish_reason = "length"
        self.generated = 0

    def __iter__(self) -> Iterator[str]:
        model = self.model
        if model.held != self.tokens or not model.fresh:
            # What is not read yet; the last token again if its logits are gone.
            model.keep(min(model.common_length(self.tokens), len(self.tokens) - 1))
            model.read(self.tokens)
        room = model.n_ctx - len(self.tokens)
        wanted = self.sampling.options.max_tokens
        budget = min(wanted, room) if wanted > 0 else room
        chain = self._chain()
        text = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            for _ in range(budget):
                token = int(model.api.llama_sampler_sample(chain, model.ctx, -1))
                if model.is_end(token):
                    self.finish_reason = "stop"
                    break
                self.generated += 1
                piece = text.decode(model.piece(token))
                if piece:
                    yield piece
                if len(model.held) < model.n_ctx:
                    model.decode([token])
            rest = text.decode(b"", final=True)
            if rest:
                yield rest
        finally:
            model.api.llama_sampler_free(chain)

    def _chain(self) -> object:
        api, model, s, o = self.model.api, self.model, self.sampling, self.sampling.options
        params = api.llama_sampler_chain_default_params()
        params.no_perf = True
        chain = api.llama_sampler_chain_init(params)

        def add(sampler: object) -> None:
            api.llama_sampler_chain_add(chain, sampler)

        if s.banned:
            biases = (api.llama_logit_bias * len(s.banned))(
                *[api.llama_logit_bias(token, float("-inf")) for token in sorted(s.banned)]
            )
            add(api.llama_sampler_init_logit_bias(model.n_vocab, len(s.banned), biases))
        add(api.llama_sampler_init_penalties(model.n_vocab, PENALTY_LAST_N, o.repeat_penalty, 0, 0))
        if s.grammar is not None:
            grammar = api.llama_sampler_init_grammar(model.vocab, s.grammar.encode(), b"root")
            if not grammar:
                api.llama_sampler_free(chain)
                raise GrammarError("llama.cpp refused the grammar")
            add(grammar)
        if o.temperature <= 0:
            add(api.llama_sampler_init_greedy())
        else:
            add(api.llama_sampler_init_top_k(TOP_K))
            add(api.llama_sampler_init_top_p(o.top_p, 1))
            add(api.llama_sampler_init_min_p(MIN_P, 1))
            add(api.llama_sampler_init_temp(o.temperature))
            seed = o.seed if o.seed is not None else api.LLAMA_DEFAULT_SEED
            add(api.llama_sampler_init_dist(seed))
        return chain
