"""Tests of satmodels.acsi.spec: parsing, checks, round trips, presets."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from satmodels.acsi import Block, ModelSpec, Path, acsi, ccsi, ecsi, scsb
from satmodels.exceptions import SpecificationError

ACSI_TEXT = """
# Fornell et al. (1996), Figure 1
EXPE =~ e1 + e2 + e3
QUAL =~ q1 + q2
VAL =~ v1 + v2
SAT =~ s1 + s2 + s3
COMP =~ c1
LOY =~ l1 + l2
QUAL ~ EXPE
VAL ~ EXPE + QUAL
SAT ~ EXPE + QUAL + VAL
COMP ~ SAT
LOY ~ SAT + COMP
"""


def _acsi() -> ModelSpec:
    return acsi(
        expectations=["e1", "e2", "e3"],
        quality=["q1", "q2"],
        value=["v1", "v2"],
        satisfaction=["s1", "s2", "s3"],
        complaints=["c1"],
        loyalty=["l1", "l2"],
    )


def test_syntax_matches_preset() -> None:
    parsed = ModelSpec.from_syntax(ACSI_TEXT)
    preset = _acsi()
    assert set(parsed.paths) == set(preset.paths)
    assert parsed.blocks == preset.blocks
    assert parsed.latents == ("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY")


def test_acsi_preset_paths_fornell_1996() -> None:
    # Fornell et al. (1996), Figure 1: nine paths
    spec = _acsi()
    expected = {
        ("EXPE", "QUAL"),
        ("EXPE", "VAL"),
        ("QUAL", "VAL"),
        ("EXPE", "SAT"),
        ("QUAL", "SAT"),
        ("VAL", "SAT"),
        ("SAT", "COMP"),
        ("SAT", "LOY"),
        ("COMP", "LOY"),
    }
    assert {(p.source, p.target) for p in spec.paths} == expected
    assert spec.predecessors("LOY") == ("SAT", "COMP")
    assert spec.successors("EXPE") == ("QUAL", "VAL", "SAT")
    assert spec.exogenous == ("EXPE",)
    assert spec.indicators[:3] == ("e1", "e2", "e3")


def test_ecsi_scsb_ccsi_presets() -> None:
    e = ecsi(
        image=["i1"],
        expectations=["e1"],
        quality=["q1"],
        value=["v1"],
        satisfaction=["s1"],
        complaints=["c1"],
        loyalty=["l1"],
    )
    assert len(e.paths) == 12
    assert e.predecessors("SAT") == ("IMAG", "EXPE", "QUAL", "VAL")
    assert e.predecessors("LOY") == ("IMAG", "SAT", "COMP")
    s = scsb(
        expectations=["e1"],
        value=["v1"],
        satisfaction=["s1"],
        complaints=["c1"],
        loyalty=["l1"],
    )
    assert len(s.paths) == 6
    assert s.predecessors("SAT") == ("EXPE", "VAL")
    c = ccsi(
        image=["i1"],
        expectations=["e1"],
        quality=["q1"],
        value=["v1"],
        satisfaction=["s1"],
        loyalty=["l1"],
    )
    assert "COMP" not in c.latents
    assert len(c.paths) == 10
    with pytest.raises(SpecificationError, match="'quality' parameter of ccsi"):
        ccsi(
            image=["i1"],
            expectations=["e1"],
            quality=[],
            value=["v1"],
            satisfaction=["s1"],
            loyalty=["l1"],
        )


def test_formative_block_and_syntax_round_trip() -> None:
    spec = ModelSpec.from_syntax("IMAG <~ i1 + i2; SAT =~ s1 + s2; SAT ~ IMAG")
    assert spec.block("IMAG").mode == "B"
    assert spec.block("SAT").mode == "A"
    assert ModelSpec.from_syntax(spec.to_syntax()) == spec
    assert "IMAG <~ i1 + i2" in spec.to_syntax()


def test_json_and_dict_round_trip() -> None:
    spec = _acsi()
    assert ModelSpec.from_json(spec.to_json()) == spec
    assert ModelSpec.from_dict(json.loads(spec.to_json())) == spec
    compact = ModelSpec.from_dict(
        {
            "measurement": {"A": ["a1", "a2"], "B": "b1"},
            "structural": {"B": ["A"]},
            "modes": {"A": "B"},
        }
    )
    assert compact.block("A").mode == "B"
    assert compact.block("B").indicators == ("b1",)
    assert compact.paths == (Path(source="A", target="B"),)


@pytest.mark.parametrize(
    ("text", "culprit"),
    [
        ("A =~ a1; B =~ a1", "indicator 'a1' is in two blocks"),
        ("A =~ a1\nB ~ A", "unknown latent 'B': a latent without indicators"),
        ("A =~ a1; B =~ b1; B ~ a1", "'a1': it is an indicator"),
        ("A =~ a1; B =~ b1; B ~ A; A ~ B", "cycle: A -> B -> A"),
        ("A =~ a1; B =~ b1; B ~ B", "cycle: B -> B"),
        ("A =~ a1; B =~ b1; B ~ A + A", "path A -> B is listed twice"),
        ("A =~ a1; A =~ a2", "latent 'A' has two measurement blocks"),
        ("A =~ a1 + a1", "indicator 'a1' is listed twice"),
        ("A =~ A", "'A' is used both as a latent and as an indicator"),
        ("A =~", "empty name"),
        ("A -> B", "cannot parse"),
        ("A =~ 1x", "not a valid identifier"),
        ("", "no measurement block"),
    ],
)
def test_bad_syntax_names_culprit(text: str, culprit: str) -> None:
    with pytest.raises(SpecificationError, match=culprit):
        ModelSpec.from_syntax(text)


def test_direct_constructor_and_dict_errors() -> None:
    with pytest.raises(SpecificationError, match=r"paths\.0"):
        ModelSpec(blocks=(Block(latent="A", indicators=("a",)),), paths=("x",))
    with pytest.raises(SpecificationError, match="latent without indicators"):
        ModelSpec.from_dict({"measurement": {"A": []}})
    with pytest.raises(SpecificationError, match="needs keys"):
        ModelSpec.from_dict({"latents": {}})
    with pytest.raises(SpecificationError, match="'modes' names unknown latent"):
        ModelSpec.from_dict({"measurement": {"A": ["a"]}, "modes": {"Z": "B"}})
    with pytest.raises(SpecificationError, match="cannot be parsed"):
        ModelSpec.from_json("{not json")
    with pytest.raises(SpecificationError, match="must be a string"):
        ModelSpec.from_syntax(3)  # type: ignore[arg-type]
    with pytest.raises(SpecificationError, match="unknown latent 'Z'"):
        _acsi().block("Z")


@st.composite
def _specs(draw: st.DrawFn) -> ModelSpec:
    n_lv = draw(st.integers(1, 6))
    items = iter(range(1000))
    blocks = tuple(
        Block(
            latent=f"L{k}",
            indicators=tuple(f"i{next(items)}" for _ in range(draw(st.integers(1, 4)))),
            mode=draw(st.sampled_from(["A", "B"])),
        )
        for k in range(n_lv)
    )
    pairs = [(a, b) for a in range(n_lv) for b in range(a + 1, n_lv)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    order = draw(st.permutations(list(range(n_lv))))
    paths = tuple(Path(source=f"L{order[a]}", target=f"L{order[b]}") for a, b in chosen)
    return ModelSpec(blocks=blocks, paths=paths)


@settings(deadline=None, max_examples=60)
@given(_specs())
def test_round_trips_and_topological_order(spec: ModelSpec) -> None:
    assert ModelSpec.from_syntax(spec.to_syntax()).blocks == spec.blocks
    assert set(ModelSpec.from_syntax(spec.to_syntax()).paths) == set(spec.paths)
    assert ModelSpec.from_json(spec.to_json()) == spec
    pos = {lv: k for k, lv in enumerate(spec.latents)}
    assert sorted(pos) == sorted(b.latent for b in spec.blocks)
    for p in spec.paths:
        assert pos[p.source] < pos[p.target]
