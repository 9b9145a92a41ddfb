import pytest

from hospidesk.engine import protocol as p


@pytest.mark.parametrize(
    "message",
    [
        p.Load("/m.gguf", "a" * 64, 2048, 4, 0),
        p.Generate(
            3,
            (p.Message("system", "règles"), p.Message("user", 'é\n"x"')),
            p.GenerationOptions(50, seed=7, json_schema='{"type": "object"}'),
        ),
        p.Cancel(3),
        p.Warm(((p.Message("system", "tâche A"), p.Message("user", "")),), disk_share=0.5),
        p.Count(4, (p.Message("system", "règles"), p.Message("user", "texte"))),
        p.Shutdown(),
        p.Reading(3, 512, 1764),
        p.Warming(12, 26),
        p.Warming(20, 26, finished=True, reason="budget"),
        p.Counted(4, 2788),
        p.Prefill((p.Message("system", "règles"), p.Message("user", "texte"))),
        p.Prefilling(256, 2476),
        p.Prefilled(2475, 2476),
        p.Token(3, "Bonjour"),
        p.Done(3, "length", 120, 50, 1.5),
        p.Failed("load_failed", "Le modèle n'a pas pu être chargé.", None, "detail"),
    ],
)
def test_messages_survive_a_round_trip(message: p.Request | p.Event) -> None:
    line = p.encode(message)
    assert line.endswith("\n") and line.count("\n") == 1
    assert p.decode(line) == message


@pytest.mark.parametrize("line", ["[]", '{"type": "Nope"}', '{"type": "Cancel"}', "not json"])
def test_garbage_is_rejected(line: str) -> None:
    with pytest.raises((ValueError, TypeError)):
        p.decode(line)
