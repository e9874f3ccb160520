"""Preset models: ACSI, ECSI, SCSB and a CCSI-style model.

Each preset takes the indicator names of each latent; every name has a
default, so ``acsi.fit(data)`` (``model="acsi"``) fits the ACSI on columns
named as in :func:`satmodels.datasets.load_sample_survey` (``expe1``-``expe3``,
``qual1``-``qual4``, ``val1``-``val2``, ``sat1``-``sat3``, ``comp1``,
``loy1``-``loy3``), and ``model="ecsi"`` the ECSI on the mobile-phone data
of Tenenhaus et al. (2005) (``IMAG1``-``IMAG5``, ``CUEX1``-``CUEX3``,
``PERQ1``-``PERQ7``, ``PERV1``-``PERV2``, ``CUSA1``-``CUSA3``, ``CUSCO``,
``CUSL1``-``CUSL3``), the names of the R plspm and seminr ``mobi`` data.

References
----------
.. [1] Fornell, C. (1992). A national customer satisfaction barometer: the
   Swedish experience. Journal of Marketing, 56(1), 6-21.
.. [2] Fornell, C., Johnson, M. D., Anderson, E. W., Cha, J., & Bryant,
   B. E. (1996). The American Customer Satisfaction Index: nature, purpose,
   and findings. Journal of Marketing, 60(4), 7-18.
.. [3] Tenenhaus, M., Esposito Vinzi, V., Chatelin, Y.-M., & Lauro, C.
   (2005). PLS path modeling. Computational Statistics & Data Analysis,
   48(1), 159-205.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..exceptions import SpecificationError
from .spec import ModelSpec

__all__ = ["PRESETS", "acsi", "ccsi", "ecsi", "preset", "scsb"]

# Default indicator names: the sample survey (ACSI, SCSB) and the ECSI
# mobile-phone data (ECSI, CCSI).
_EXPE = ("expe1", "expe2", "expe3")
_QUAL = ("qual1", "qual2", "qual3", "qual4")
_VAL = ("val1", "val2")
_SAT = ("sat1", "sat2", "sat3")
_COMP = ("comp1",)
_LOY = ("loy1", "loy2", "loy3")
_M_IMAG = tuple(f"IMAG{i}" for i in range(1, 6))
_M_EXPE = ("CUEX1", "CUEX2", "CUEX3")
_M_QUAL = tuple(f"PERQ{i}" for i in range(1, 8))
_M_VAL = ("PERV1", "PERV2")
_M_SAT = ("CUSA1", "CUSA2", "CUSA3")
_M_COMP = ("CUSCO",)
_M_LOY = ("CUSL1", "CUSL2", "CUSL3")


#: The keyword that names each latent's indicators in the preset builders.
_ARGUMENT = {
    "IMAG": "image",
    "EXPE": "expectations",
    "QUAL": "quality",
    "VAL": "value",
    "SAT": "satisfaction",
    "COMP": "complaints",
    "LOY": "loyalty",
}

_ACSI_PATHS = (
    ("EXPE", "QUAL"),
    ("EXPE", "VAL"),
    ("QUAL", "VAL"),
    ("EXPE", "SAT"),
    ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "COMP"),
    ("SAT", "LOY"),
    ("COMP", "LOY"),
)

_ECSI_PATHS = (
    ("IMAG", "EXPE"),
    ("IMAG", "SAT"),
    ("IMAG", "LOY"),
    ("EXPE", "QUAL"),
    ("EXPE", "VAL"),
    ("EXPE", "SAT"),
    ("QUAL", "VAL"),
    ("QUAL", "SAT"),
    ("VAL", "SAT"),
    ("SAT", "COMP"),
    ("SAT", "LOY"),
    ("COMP", "LOY"),
)

#: Each preset's latents (in the order of its builder's keywords) and paths.
_MODELS: dict[str, tuple[tuple[str, ...], tuple[tuple[str, str], ...]]] = {
    "acsi": (("EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"), _ACSI_PATHS),
    "ecsi": (("IMAG", "EXPE", "QUAL", "VAL", "SAT", "COMP", "LOY"), _ECSI_PATHS),
    "scsb": (
        ("EXPE", "VAL", "SAT", "COMP", "LOY"),
        tuple(p for p in _ACSI_PATHS if "QUAL" not in p),
    ),
    "ccsi": (
        ("IMAG", "EXPE", "QUAL", "VAL", "SAT", "LOY"),
        tuple(p for p in _ECSI_PATHS if "COMP" not in p),
    ),
}


def _preset(where: str, *indicators: Sequence[str]) -> ModelSpec:
    """Build the preset ``where`` from its latents' indicator names, in table order."""
    latents, paths = _MODELS[where]
    built = []
    for latent, inds in zip(latents, indicators, strict=True):
        if isinstance(inds, str):
            inds = (inds,)  # noqa: PLW2901 - a single indicator given bare
        if not inds:
            msg = (
                f"The '{_ARGUMENT[latent]}' parameter of {where} needs at least "
                "one indicator."
            )
            raise SpecificationError(msg)
        built.append({"latent": latent, "indicators": tuple(inds), "mode": "A"})
    return ModelSpec(
        blocks=tuple(built),
        paths=tuple({"source": s, "target": t} for s, t in paths),
    )


def acsi(
    *,
    expectations: Sequence[str] = _EXPE,
    quality: Sequence[str] = _QUAL,
    value: Sequence[str] = _VAL,
    satisfaction: Sequence[str] = _SAT,
    complaints: Sequence[str] = _COMP,
    loyalty: Sequence[str] = _LOY,
) -> ModelSpec:
    """Build the American Customer Satisfaction Index model (Fornell et al. 1996).

    Six latents (all reflective): customer expectations ``EXPE``,
    perceived quality ``QUAL``, perceived value ``VAL``, customer
    satisfaction (the ACSI) ``SAT``, customer complaints ``COMP`` and
    customer loyalty ``LOY``, with the nine paths of Fornell et al. (1996,
    Figure 1): EXPE -> QUAL, EXPE -> VAL, QUAL -> VAL, EXPE -> SAT,
    QUAL -> SAT, VAL -> SAT, SAT -> COMP, SAT -> LOY, COMP -> LOY.

    Parameters
    ----------
    expectations, quality, value, satisfaction, complaints, loyalty : sequence of str
        Indicator (survey item) names of each latent (defaults: the sample
        survey's ``expe1``-``expe3``, ``qual1``-``qual4``, ``val1``-``val2``,
        ``sat1``-``sat3``, ``comp1``, ``loy1``-``loy3``).

    Returns
    -------
    ModelSpec

    Examples
    --------
    >>> from satmodels.acsi import acsi
    >>> spec = acsi(
    ...     expectations=["e1", "e2"],
    ...     quality=["q1", "q2"],
    ...     value=["v1", "v2"],
    ...     satisfaction=["s1", "s2"],
    ...     complaints=["c1"],
    ...     loyalty=["l1", "l2"],
    ... )
    >>> spec.predecessors("SAT")
    ('EXPE', 'QUAL', 'VAL')
    """
    return _preset(
        "acsi", expectations, quality, value, satisfaction, complaints, loyalty
    )


def ecsi(
    *,
    image: Sequence[str] = _M_IMAG,
    expectations: Sequence[str] = _M_EXPE,
    quality: Sequence[str] = _M_QUAL,
    value: Sequence[str] = _M_VAL,
    satisfaction: Sequence[str] = _M_SAT,
    complaints: Sequence[str] = _M_COMP,
    loyalty: Sequence[str] = _M_LOY,
) -> ModelSpec:
    """Build the European Customer Satisfaction Index (ECSI) model.

    The ACSI latents plus corporate image ``IMAG``, with the twelve paths
    of the ECSI model as estimated by Tenenhaus et al. (2005, Figure 8) on
    the mobile-phone data (ECSI Technical Committee 1998): IMAG -> EXPE,
    IMAG -> SAT, IMAG -> LOY, EXPE -> QUAL, EXPE -> VAL, EXPE -> SAT,
    QUAL -> VAL, QUAL -> SAT, VAL -> SAT, SAT -> COMP, SAT -> LOY,
    COMP -> LOY. This is also the path matrix of the R plspm and seminr
    ``mobi`` examples.

    Parameters
    ----------
    image, expectations, quality, value, satisfaction, complaints, loyalty : list
        Indicator names (sequences of str) of each latent (defaults: the
        mobi data's ``IMAG1``-``IMAG5``, ``CUEX1``-``CUEX3``,
        ``PERQ1``-``PERQ7``, ``PERV1``-``PERV2``, ``CUSA1``-``CUSA3``,
        ``CUSCO``, ``CUSL1``-``CUSL3``).

    Returns
    -------
    ModelSpec

    Examples
    --------
    >>> from satmodels.acsi import ecsi
    >>> spec = ecsi(
    ...     image=["i1", "i2"],
    ...     expectations=["e1"],
    ...     quality=["q1"],
    ...     value=["v1"],
    ...     satisfaction=["s1"],
    ...     complaints=["c1"],
    ...     loyalty=["l1"],
    ... )
    >>> spec.latents
    ('IMAG', 'EXPE', 'QUAL', 'VAL', 'SAT', 'COMP', 'LOY')
    """
    return _preset(
        "ecsi", image, expectations, quality, value, satisfaction, complaints, loyalty
    )


def scsb(
    *,
    expectations: Sequence[str] = _EXPE,
    value: Sequence[str] = _VAL,
    satisfaction: Sequence[str] = _SAT,
    complaints: Sequence[str] = _COMP,
    loyalty: Sequence[str] = _LOY,
) -> ModelSpec:
    """Build the Swedish Customer Satisfaction Barometer model (Fornell 1992).

    Five latents: customer expectations ``EXPE``, perceived performance
    (value: quality relative to price) ``VAL``, customer satisfaction
    ``SAT``, voice (complaints) ``COMP`` and loyalty ``LOY``, with the six
    paths of Fornell (1992, Figure 1): EXPE -> VAL, EXPE -> SAT,
    VAL -> SAT, SAT -> COMP, SAT -> LOY, COMP -> LOY. The ACSI (Fornell et
    al. 1996) was built from it by adding perceived quality.

    Parameters
    ----------
    expectations, value, satisfaction, complaints, loyalty : sequence of str
        Indicator names of each latent (defaults as in :func:`acsi`).

    Returns
    -------
    ModelSpec
    """
    return _preset("scsb", expectations, value, satisfaction, complaints, loyalty)


def ccsi(
    *,
    image: Sequence[str] = _M_IMAG,
    expectations: Sequence[str] = _M_EXPE,
    quality: Sequence[str] = _M_QUAL,
    value: Sequence[str] = _M_VAL,
    satisfaction: Sequence[str] = _M_SAT,
    loyalty: Sequence[str] = _M_LOY,
) -> ModelSpec:
    """Build a CCSI-style model (China Customer Satisfaction Index).

    The China Customer Satisfaction Index developed at Tsinghua University
    with the China National Institute of Standardization (early 2000s) is
    described in the Chinese quality-management training literature that
    this project's requirements come from (MISSION.md section 5) only by its
    constructs: brand image ``IMAG``, expectations (predicted quality)
    ``EXPE``, perceived quality ``QUAL``, perceived value ``VAL``,
    satisfaction ``SAT`` and loyalty ``LOY``, without the complaints
    construct. We found no authoritative path list we could verify, so
    this preset is *our* reading: the ECSI paths (Tenenhaus et al. 2005)
    with complaints removed. Paths: IMAG -> EXPE, IMAG -> SAT, IMAG -> LOY,
    EXPE -> QUAL, EXPE -> VAL, EXPE -> SAT, QUAL -> VAL, QUAL -> SAT, VAL -> SAT,
    SAT -> LOY. Published CCSI variants differ (some add QUAL -> LOY or
    keep complaints); build a variant with :meth:`ModelSpec.from_syntax`.

    Parameters
    ----------
    image, expectations, quality, value, satisfaction, loyalty : sequence of str
        Indicator names of each latent (defaults as in :func:`ecsi`).

    Returns
    -------
    ModelSpec
    """
    return _preset("ccsi", image, expectations, quality, value, satisfaction, loyalty)


#: Preset names accepted by ``acsi.fit(model=...)``, with their default names.
PRESETS: dict[str, Callable[[], ModelSpec]] = {
    "acsi": acsi,
    "ecsi": ecsi,
    "scsb": scsb,
    "ccsi": ccsi,
}


def preset(name: str) -> ModelSpec:
    """Return the preset called ``name`` with its default indicator names.

    Raises
    ------
    SpecificationError
        ``name`` is not a preset.
    """
    key = name.strip().lower()
    if key not in PRESETS:
        msg = (
            f"The 'model' parameter of acsi.fit names no preset: got {name!r}; "
            f"presets are {sorted(PRESETS)}, or give lavaan-style text "
            "('SAT =~ sat1 + sat2; ...')."
        )
        raise SpecificationError(msg)
    return PRESETS[key]()
