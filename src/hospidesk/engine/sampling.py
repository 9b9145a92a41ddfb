"""An answer, token by token, after a prompt: llama.cpp's sampler chain, in C.

The chain is the one llama-cpp-python's ``Llama`` built for the worker before (same order,
same defaults), with the logit bias done by llama.cpp rather than in numpy: forbidden tokens
first, the repetition penalty, the grammar when the output must be JSON, then top-k, top-p,
min-p, the temperature and the draw.
"""

from __future__ import annotations

import codecs
import ctypes
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
    and ``generated`` how many tokens were drawn.

    Under a grammar, each token is first drawn without it and then checked alone; only a
    token the grammar refuses makes it filter the whole vocabulary and draw again (as
    llama.cpp's own sampler does): filtering 150,000 tokens at every step cost a third of
    the time of a structured draft or of the check of facts."""

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
        self.redrawn = 0
        """Tokens the grammar refused at first (drawn again under it)."""

    def __iter__(self) -> Iterator[str]:
        model = self.model
        if model.held != self.tokens or not model.fresh:
            # What is not read yet; the last token again if its logits are gone.
            model.keep(min(model.common_length(self.tokens), len(self.tokens) - 1))
            model.read(self.tokens)
        room = model.n_ctx - len(self.tokens)
        wanted = self.sampling.options.max_tokens
        budget = min(wanted, room) if wanted > 0 else room
        samplers = _Samplers(model, self.sampling)
        text = codecs.getincrementaldecoder("utf-8")("replace")
        try:
            for _ in range(budget):
                token = samplers.draw()
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
            self.redrawn = samplers.redrawn
            samplers.free()


class _Samplers:
    """llama.cpp's sampler chain for one answer; under a grammar, a chain without it that
    draws first, the grammar alone to check its token, and a chain with it to draw again.
    Every sampler sees every token drawn, so the three stay in step."""

    def __init__(self, model: Model, sampling: Sampling) -> None:
        self.model = model
        self.api = model.api
        self.redrawn = 0
        self.chains: list[object] = []
        self.fast = self._chain(sampling, grammar=False)
        self.full: object | None = None
        self.check: object | None = None
        if sampling.grammar is not None:
            self.full = self._chain(sampling, grammar=True)
            self.check = self._grammar(sampling.grammar)

    def draw(self) -> int:
        api, ctx = self.api, self.model.ctx
        token = int(api.llama_sampler_sample(self.fast, ctx, -1))
        if self.full is None or self.check is None:
            return token
        if self._allowed(token):
            if self.model.is_end(token):
                return token  # the grammar is complete: the answer ends here
            api.llama_sampler_accept(self.full, token)
        else:
            self.redrawn += 1
            token = int(api.llama_sampler_sample(self.full, ctx, -1))
            if self.model.is_end(token):
                return token
            api.llama_sampler_accept(self.fast, token)
        api.llama_sampler_accept(self.check, token)
        return token

    def _allowed(self, token: int) -> bool:
        api = self.api
        candidate = api.llama_token_data(token, 1.0, 0.0)
        array = api.llama_token_data_array(ctypes.pointer(candidate), 1, -1, False)
        api.llama_sampler_apply(self.check, ctypes.byref(array))
        return bool(candidate.logit != float("-inf"))

    def free(self) -> None:
        for chain in self.chains:
            self.api.llama_sampler_free(chain)
        self.chains.clear()

    def _grammar(self, grammar: str) -> object:
        api, model = self.api, self.model
        sampler = api.llama_sampler_init_grammar(model.vocab, grammar.encode(), b"root")
        if not sampler:
            self.free()
            raise GrammarError("llama.cpp refused the grammar")
        self.chains.append(sampler)
        return sampler

    def _chain(self, sampling: Sampling, grammar: bool) -> object:
        api, model, s, o = self.api, self.model, sampling, sampling.options
        params = api.llama_sampler_chain_default_params()
        params.no_perf = True
        chain = api.llama_sampler_chain_init(params)
        self.chains.append(chain)

        def add(sampler: object) -> None:
            api.llama_sampler_chain_add(chain, sampler)

        if s.banned:
            biases = (api.llama_logit_bias * len(s.banned))(
                *[api.llama_logit_bias(token, float("-inf")) for token in sorted(s.banned)]
            )
            add(api.llama_sampler_init_logit_bias(model.n_vocab, len(s.banned), biases))
        add(api.llama_sampler_init_penalties(model.n_vocab, PENALTY_LAST_N, o.repeat_penalty, 0, 0))
        if grammar and s.grammar is not None:
            sampler = api.llama_sampler_init_grammar(model.vocab, s.grammar.encode(), b"root")
            if not sampler:
                self.free()
                raise GrammarError("llama.cpp refused the grammar")
            add(sampler)
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
