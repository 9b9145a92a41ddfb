"""An answer, token by token, after a prompt: llama.cpp's sampler chain, in C.

The chain is the one llama-cpp-python's ``Llama`` built for the worker before (same order,
same defaults), with the logit bias done by llama.cpp rather than in numpy: forbidden tokens
first, the repetition penalty, the grammar when the output must be JSON, then top-k, top-p,
min-p, the temperature and the draw.
"""

from __future__ import annotations

import codecs
import ctypes
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from hospidesk.engine.native import Model, TooLong
from hospidesk.engine.protocol import GenerationOptions

TOP_K = 40
MIN_P = 0.05
REDRAW_AMONG = 1024
"""A token the grammar refuses is drawn again among this many likeliest (see _Candidates)."""
NEVER = float("-inf")
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
    token the grammar refuses makes it filter the likeliest tokens and draw again (as
    llama.cpp's own sampler does, with the whole vocabulary): filtering 150,000 tokens at
    every step cost a third of the time of a structured draft or of the check of facts."""

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
        self.widened = 0
        """Redraws that found no token the grammar allows among the likeliest."""

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
            self.redrawn, self.widened = samplers.redrawn, samplers.widened
            samplers.free()


class _Samplers:
    """llama.cpp's samplers for one answer. Without a grammar, one chain draws. Under a
    grammar, the chain without it draws first and the grammar alone checks its token; a
    refused token is drawn again among the ``REDRAW_AMONG`` likeliest tokens the grammar
    allows (see ``_Candidates``). Every sampler sees every token drawn, so they stay in step."""

    def __init__(self, model: Model, sampling: Sampling) -> None:
        self.model = model
        self.api = model.api
        self.redrawn = 0
        self.widened = 0
        self.chains: list[object] = []
        self.fast = self._chain(sampling, filters=True, draws=True)
        self.check: object | None = None
        if sampling.grammar is not None:
            self.check = self._grammar(sampling.grammar)
            self.likeliest = self._chain(sampling, filters=True, top=REDRAW_AMONG)
            self.everything = self._chain(sampling, filters=True)
            self.drawing = self._chain(sampling, draws=True)
            self.candidates = _Candidates(model)

    def draw(self) -> int:
        api, ctx = self.api, self.model.ctx
        token = int(api.llama_sampler_sample(self.fast, ctx, -1))
        if self.check is None:
            return token
        if self._allowed(token):
            if self.model.is_end(token):
                return token  # the grammar is complete: the answer ends here
        else:
            self.redrawn += 1
            token = self._redraw()
            if self.model.is_end(token):
                return token
            api.llama_sampler_accept(self.fast, token)
        for chain in (self.likeliest, self.everything, self.check):
            api.llama_sampler_accept(chain, token)
        return token

    def _redraw(self) -> int:
        """The token drawn among those the grammar allows: the likeliest first, the whole
        vocabulary only when it allows none of them."""
        api, candidates = self.api, self.candidates
        array = candidates.fill()
        api.llama_sampler_apply(self.likeliest, ctypes.byref(array))
        api.llama_sampler_apply(self.check, ctypes.byref(array))
        if not candidates.any_allowed(array):
            self.widened += 1
            array = candidates.fill()
            api.llama_sampler_apply(self.everything, ctypes.byref(array))
            api.llama_sampler_apply(self.check, ctypes.byref(array))
        array.sorted = False  # the refused ones now -inf: no longer in order
        api.llama_sampler_apply(self.drawing, ctypes.byref(array))
        return int(array.data[array.selected].id)

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

    def _chain(
        self, sampling: Sampling, filters: bool = False, draws: bool = False, top: int = 0
    ) -> object:
        """``filters``: the forbidden tokens and the repetition penalty; ``top``: then only
        the ``top`` likeliest; ``draws``: top-k, top-p, min-p, the temperature and the draw
        (the likeliest token at temperature 0)."""
        api, model, s, o = self.api, self.model, sampling, sampling.options
        params = api.llama_sampler_chain_default_params()
        params.no_perf = True
        chain = api.llama_sampler_chain_init(params)
        self.chains.append(chain)

        def add(sampler: object) -> None:
            api.llama_sampler_chain_add(chain, sampler)

        if filters:
            if s.banned:
                biases = (api.llama_logit_bias * len(s.banned))(
                    *[api.llama_logit_bias(token, float("-inf")) for token in sorted(s.banned)]
                )
                add(api.llama_sampler_init_logit_bias(model.n_vocab, len(s.banned), biases))
            add(
                api.llama_sampler_init_penalties(
                    model.n_vocab, PENALTY_LAST_N, o.repeat_penalty, 0, 0
                )
            )
        if top:
            add(api.llama_sampler_init_top_k(top))
        if draws:
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


class _Candidates:
    """The whole vocabulary as llama.cpp's candidates, with the last token's logits, for a
    redraw under a grammar. llama.cpp's grammar check builds vectors of all the candidates it
    is given at each character of their text: 13 MiB at once for a vocabulary of 49,152,
    beyond the engine's memory bound (bench/report.md, engine memory by path), and most of a
    structured draft's time. Given the 1,024 likeliest, it takes under 1 MiB."""

    def __init__(self, model: Model) -> None:
        self.model = model
        self.api = model.api
        self.size = model.n_vocab
        self.data = (self.api.llama_token_data * self.size)()
        raw = memoryview(self.data).cast("B")
        self._ids, self._floats = raw.cast("i"), raw.cast("f")
        self._vocabulary = array("i", range(self.size))

    def fill(self) -> Any:
        """Every token, in order, with its logit (an array llama.cpp's samplers take)."""
        logits = self.api.llama_get_logits_ith(self.model.ctx, -1)
        values = (ctypes.c_float * self.size).from_address(ctypes.addressof(logits.contents))
        self._ids[0::3] = memoryview(self._vocabulary)
        self._floats[1::3] = memoryview(values).cast("B").cast("f")
        return self.api.llama_token_data_array(self.data, self.size, -1, False)

    @staticmethod
    def any_allowed(array: Any) -> bool:
        """Whether the grammar left any candidate of ``array`` (it gives the others -inf;
        read where the samplers left them, which may be another buffer than ours)."""
        return any(array.data[i].logit != NEVER for i in range(int(array.size)))
