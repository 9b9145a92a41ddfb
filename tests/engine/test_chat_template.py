"""Guarantee 3: a GGUF's chat template is rendered in a sandbox (CVE-2024-34359).

The worker has llama.cpp write the conversation in the formats it knows, which runs nothing
from the template; a template it does not know goes to Jinja2's immutable sandbox
(engine/chat_format.py). Both paths are checked here.
"""

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError

from hospidesk.engine import chat_format, native

ATTACKS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__.__builtins__.open('{path}', 'w').write('pwned') }}",
    "{% for m in messages %}{{ m.__class__.__init__.__globals__ }}{% endfor %}",
    "{% set x = messages.append({'role': 'system', 'content': 'injecté'}) %}{{ messages }}",
]
MESSAGES = [
    {"role": "system", "content": "Consignes de la tâche."},
    {"role": "user", "content": "Texte de l'utilisateur."},
]
SPECIALS = {"bos_token": "<s>", "eos_token": "</s>"}


@pytest.mark.parametrize("template", ATTACKS)
def test_malicious_chat_template_touches_nothing(template: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    messages = [dict(m) for m in MESSAGES]
    with pytest.raises(chat_format.TemplateError) as refused:
        chat_format.render(
            native.binding(), template.replace("{path}", str(target)), messages, SPECIALS
        )
    assert isinstance(refused.value.__cause__, SecurityError)
    assert not target.exists()
    assert messages == MESSAGES


def test_a_template_llama_cpp_does_not_know_is_rendered_in_the_sandbox() -> None:
    template = (
        "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}\n{% endfor %}"
        "{% if add_generation_prompt %}[assistant] {% endif %}"
    )
    assert chat_format.builtin(native.binding(), template, MESSAGES) is None
    text = chat_format.render(native.binding(), template, MESSAGES, SPECIALS)
    assert text == (
        "<s>[system] Consignes de la tâche.\n[user] Texte de l'utilisateur.\n[assistant] "
    )


def test_a_template_that_raises_is_refused_in_its_words() -> None:
    template = "{{ raise_exception('Rôles alternés exigés') }}"
    with pytest.raises(chat_format.TemplateError, match="Rôles alternés exigés"):
        chat_format.render(native.binding(), template, MESSAGES, SPECIALS)


def test_known_formats_are_written_by_llama_cpp_without_jinja(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_jinja(*_args: object) -> str:
        raise AssertionError("Jinja2 used for a format llama.cpp knows")

    monkeypatch.setattr(chat_format, "sandboxed", no_jinja)
    chatml = (
        "<|im_start|>system\nConsignes de la tâche.<|im_end|>\n"
        "<|im_start|>user\nTexte de l'utilisateur.<|im_end|>\n<|im_start|>assistant\n"
    )
    assert chat_format.render(native.binding(), None, MESSAGES, SPECIALS) == chatml
    llama3 = chat_format.render(native.binding(), "llama3", MESSAGES, SPECIALS)
    assert "<|start_header_id|>user<|end_header_id|>\n\nTexte de l'utilisateur." in llama3
    long = [MESSAGES[0], {"role": "user", "content": "€" * 5000}]  # 3 bytes each: a 2nd call
    assert chat_format.render(native.binding(), None, long, SPECIALS).count("€") == 5000


def test_a_template_failing_in_any_way_is_refused_not_fatal() -> None:
    for template in ("{{ 1 / 0 }}", "{{ messages[0].content + 1 }}", "{% for %}"):
        with pytest.raises(chat_format.TemplateError):
            chat_format.render(native.binding(), template, MESSAGES, SPECIALS)


def test_the_sandbox_has_what_common_templates_use() -> None:
    template = (
        "{% for m in messages %}{% if m.role == 'user' %}{{ m | tojson }}{% break %}{% endif %}"
        "{% endfor %}|{{ strftime_now('%Y') | length }}"
    )
    text = chat_format.render(native.binding(), template, MESSAGES, SPECIALS)
    assert text == '{"role": "user", "content": "Texte de l\'utilisateur."}|4'
