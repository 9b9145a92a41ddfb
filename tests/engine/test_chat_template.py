"""Guarantee 3: a GGUF's chat template is rendered in a sandbox (CVE-2024-34359).

The worker lets llama-cpp-python format the chat from the template stored in the GGUF; this
checks that the installed version renders such templates in Jinja2's sandbox.
"""

from pathlib import Path

import pytest
from jinja2.exceptions import SecurityError
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

ATTACKS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ self.__init__.__globals__.__builtins__.open('{path}', 'w').write('pwned') }}",
    "{% for m in messages %}{{ m.__class__.__init__.__globals__ }}{% endfor %}",
]


@pytest.mark.parametrize("template", ATTACKS)
def test_malicious_chat_template_touches_nothing(template: str, tmp_path: Path) -> None:
    target = tmp_path / "pwned.txt"
    formatter = Jinja2ChatFormatter(
        template=template.replace("{path}", str(target)), eos_token="</s>", bos_token="<s>"
    )
    with pytest.raises(SecurityError):
        formatter(messages=[{"role": "user", "content": "x"}])
    assert not target.exists()
