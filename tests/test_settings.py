"""Settings from text: field types, TOML files, and the command line's --config/--set with their precedence."""

from pathlib import Path

import pytest

from nlp_toolkit.cli import _settings, build_parser, main
from nlp_toolkit.settings import DEFAULT, Settings, SettingsError, parse_assignment, parse_value


def test_values_are_parsed_by_the_field_type():
    assert parse_assignment("zh_government_org=true") == ("zh_government_org", True)
    assert parse_assignment("zh_government_org=0") == ("zh_government_org", False)
    assert parse_assignment("band=12") == ("band", 12)
    assert parse_assignment("skip_score=-0.25") == ("skip_score", -0.25)
    assert parse_assignment("encoder=transformers:/models/a=b") == ("encoder", "transformers:/models/a=b")
    assert parse_assignment("sent_signals=embed, gloss,length") == ("sent_signals", ("embed", "gloss", "length"))
    # typed values from TOML are checked, an int is a fine float
    assert parse_value("skip_score", 1) == 1.0 and isinstance(parse_value("skip_score", 1), float)
    assert parse_value("sent_signals", ["embed", "number"]) == ("embed", "number")


@pytest.mark.parametrize("text, message", [
    ("foo=1", "unknown setting 'foo' (known: encoder, pooling, "),
    ("skip_score=x", "bad value 'x' for skip_score (float)"),
    ("band=1.5", "bad value '1.5' for band (int)"),
    ("zh_government_org=maybe", "bad value 'maybe' for zh_government_org (bool)"),
    ("skip_score", "expected field=value, got 'skip_score'"),
])
def test_bad_assignments_say_what_is_wrong(text, message):
    with pytest.raises(SettingsError) as err:
        parse_assignment(text)
    assert str(err.value).startswith(message) and "\n" not in str(err.value)


def test_typed_values_of_the_wrong_type_are_refused():
    for name, value in [("band", True), ("band", 2.0), ("encoder", 3), ("zh_government_org", "yes"),
                        ("sent_signals", [1, 2])]:
        with pytest.raises(SettingsError, match=f"bad value .* for {name} "):
            parse_value(name, value)


def test_from_toml(tmp_path):
    cfg = tmp_path / "run.toml"
    cfg.write_text('# a run with a wider band\nband = 4\nskip_score = 0.1\nsent_signals = ["embed", "gloss"]\n'
                   'zh_entity_components = "lac,latin"\n', encoding="utf-8")
    s = Settings.from_toml(cfg)
    assert (s.band, s.skip_score, s.sent_signals, s.zh_entity_components) == (4, 0.1, ("embed", "gloss"), "lac,latin")
    assert s.replace(band=0, skip_score=0.0, sent_signals=DEFAULT.sent_signals,
                     zh_entity_components=DEFAULT.zh_entity_components) == DEFAULT

    cfg.write_text("band = 4\nskip_score = \n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"run.toml: not valid TOML: .*line 2"):
        Settings.from_toml(cfg)
    cfg.write_text("band = 4\nbandd = 5\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=r"run.toml: unknown setting 'bandd'"):
        Settings.from_toml(cfg)
    with pytest.raises(SettingsError, match=r"absent.toml: cannot read"):
        Settings.from_toml(tmp_path / "absent.toml")


def _cli_settings(*argv) -> Settings:
    return _settings(build_parser().parse_args(list(argv)))


def test_precedence_defaults_config_flags_set(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('encoder = "transformers:/from/config"\npooling = "cls"\nband = 3\n', encoding="utf-8")
    base = ["process", "in.txt", "-o", "out"]
    assert _cli_settings(*base) == DEFAULT
    s = _cli_settings(*base, "--config", str(cfg))
    assert (s.encoder, s.pooling, s.band) == ("transformers:/from/config", "cls", 3)
    s = _cli_settings(*base, "--config", str(cfg), "--encoder", "transformers:/from/flag")
    assert (s.encoder, s.pooling) == ("transformers:/from/flag", "cls")
    s = _cli_settings(*base, "--set", "encoder=transformers:/from/set", "--config", str(cfg), "--encoder",
                      "transformers:/from/flag", "--set", "band=5")
    assert (s.encoder, s.band) == ("transformers:/from/set", 5)


def test_a_subcommand_default_sits_below_the_config(tmp_path):
    """``claims`` defaults to durations in seconds; a config saying otherwise wins unless the flag is given."""
    cfg = tmp_path / "c.toml"
    cfg.write_text('claims_duration_unit = "stated"\n', encoding="utf-8")
    base = ["claims", "cases.jsonl", "-o", "out.jsonl"]
    assert _cli_settings(*base).claims_duration_unit == "second"
    assert _cli_settings(*base, "--config", str(cfg)).claims_duration_unit == "stated"
    assert _cli_settings(*base, "--config", str(cfg), "--duration-unit", "second").claims_duration_unit == "second"
    s = _cli_settings("entities", "cases.jsonl", "-o", "o.jsonl", "--set", "zh_government_org=1")
    assert s == DEFAULT.replace(zh_government_org=True)


@pytest.mark.parametrize("argv, message", [
    (["process", "a.txt", "-o", "out", "--set", "foo=1"],
     "nlp-toolkit process: error: --set: unknown setting 'foo' (known: encoder, "),
    (["align", "a.txt", "b.txt", "-o", "out", "--set", "skip_score=x"],
     "nlp-toolkit align: error: --set: bad value 'x' for skip_score (float)"),
    (["report", "a.txt", "-o", "r.html", "--config", "{dir}/absent.toml"],
     "nlp-toolkit report: error: --config {dir}/absent.toml: cannot read"),
    (["claims", "c.jsonl", "-o", "out", "--config", "{dir}/broken.toml"],
     "nlp-toolkit claims: error: --config {dir}/broken.toml: not valid TOML: "),
])
def test_cli_errors_are_one_line_and_exit_2(argv, message, tmp_path, capsys):
    (tmp_path / "broken.toml").write_text("[settings\n", encoding="utf-8")
    argv = [a.format(dir=tmp_path) for a in argv]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message.format(dir=tmp_path)) and err.count("\n") == 1 and "Traceback" not in err


def test_the_readme_example_config_parses(tmp_path):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Settings\n", 1)[1].split("\n## ", 1)[0]
    (tmp_path / "run.toml").write_text(section.split("```toml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    s = Settings.from_toml(tmp_path / "run.toml")
    assert s.skip_score == 0.1 and s.sent_signals == ("embed", "gloss", "number", "length")
