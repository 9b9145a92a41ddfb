"""The chat template: a conversation turned into the prompt's text, as the model was trained
to read it, ending where the assistant's answer begins.

llama.cpp knows the templates of the common model families (ChatML, Llama 3, Mistral, Gemma,
Phi, Qwen…) and recognises them in the template stored in the GGUF without running it: that is
what is used. A template it does not know is rendered by Jinja2 in its immutable sandbox, with
only the messages and the special tokens' texts: a GGUF is untrusted input and its template
must not reach the file system or Python's internals (CVE-2024-34359). A model without a
template gets ChatML, as llama.cpp's own server does.

llama.cpp writes the family's format, not every line of the stored template: SmolLM2's, for
instance, adds a default system message to a conversation without one, and llama.cpp does
not. The app's prompts always begin with the task's instructions as a system message, where
both agree (tests/engine/test_native.py compares them with llama-cpp-python's rendering).
Rendering every template in Jinja2 instead would cost its 11 MiB in the worker.
"""

from __future__ import annotations

import ctypes
from typing import Any

DEFAULT = "chatml"


class TemplateError(RuntimeError):
    """The model's chat template could not be rendered (or tried what the sandbox forbids)."""


def render(
    api: Any, template: str | None, messages: list[dict[str, str]], specials: dict[str, str]
) -> str:
    """The prompt's text. ``api``: llama.cpp's C API (native.binding()); ``specials``: the
    texts of the model's ``bos_token`` and ``eos_token``, for Jinja templates."""
    text = builtin(api, template or DEFAULT, messages)
    if text is not None:
        return text
    assert template is not None  # DEFAULT is one llama.cpp knows
    return sandboxed(template, messages, specials)


def builtin(api: Any, template: str, messages: list[dict[str, str]]) -> str | None:
    """The text by llama.cpp's own rendering of ``template``, or None if it does not know it."""
    chat = (api.llama_chat_message * len(messages))(
        *[api.llama_chat_message(m["role"].encode(), m["content"].encode()) for m in messages]
    )
    name = template.encode("utf-8")
    size = 256 + 2 * sum(len(m["role"]) + len(m["content"]) for m in messages)
    for _ in range(2):
        buffer = ctypes.create_string_buffer(size)
        written = api.llama_chat_apply_template(name, chat, len(messages), True, buffer, size)
        if written < 0:
            return None
        if written <= size:
            return buffer.raw[:written].decode("utf-8", "replace")
        size = written  # too small: llama.cpp says how much it needs
    return None


def sandboxed(template: str, messages: list[dict[str, str]], specials: dict[str, str]) -> str:
    """The text by Jinja2's immutable sandbox."""
    import datetime
    import json

    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise TemplateError(message)

    def strftime_now(format: str) -> str:
        return datetime.datetime.now().strftime(format)

    environment = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=["jinja2.ext.loopcontrols"]
    )
    # as Hugging Face's transformers renders them: accents kept in JSON
    environment.filters["tojson"] = lambda value, indent=None: json.dumps(
        value, ensure_ascii=False, indent=indent
    )
    try:
        return environment.from_string(template).render(
            messages=messages,
            add_generation_prompt=True,
            raise_exception=raise_exception,
            strftime_now=strftime_now,
            **specials,
        )
    except TemplateError:
        raise
    except Exception as exc:  # a GGUF's template may fail in any way: never past here
        raise TemplateError(str(exc) or repr(exc)) from exc
