"""Est Ensemble's territory: its 9 communes (INSEE codes from the Code officiel géographique).

Est Ensemble is an établissement public territorial (SIREN 200057875) of the Métropole du Grand
Paris, in Seine-Saint-Denis (93).
"""

from dataclasses import dataclass
from unicodedata import combining, normalize

EST_ENSEMBLE_SIREN = "200057875"


@dataclass(frozen=True)
class Commune:
    name: str
    insee_code: str
    postal_code: str


COMMUNES: tuple[Commune, ...] = (
    Commune("Bagnolet", "93006", "93170"),
    Commune("Bobigny", "93008", "93000"),
    Commune("Bondy", "93010", "93140"),
    Commune("Les Lilas", "93045", "93260"),
    Commune("Montreuil", "93048", "93100"),
    Commune("Noisy-le-Sec", "93053", "93130"),
    Commune("Pantin", "93055", "93500"),
    Commune("Le Pré-Saint-Gervais", "93061", "93310"),
    Commune("Romainville", "93063", "93230"),
)


def _fold(text: str) -> str:
    decomposed = normalize("NFKD", text or "")
    letters = "".join(c for c in decomposed if not combining(c)).lower()
    return " ".join(letters.replace("-", " ").replace("'", " ").split())


_BY_NAME = {_fold(c.name): c for c in COMMUNES}
_BY_INSEE = {c.insee_code: c for c in COMMUNES}
_BY_POSTAL = {c.postal_code: c for c in COMMUNES}


def commune_lookup(
    *, name: str = "", postal_code: str = "", insee_code: str = ""
) -> Commune | None:
    """The Est Ensemble commune matching an INSEE code, a name, or a postal code, if any.

    Postal codes alone are ambiguous at the edges of the territory (93130 is also shared by no
    other commune today, but a name wins when both are given)."""
    if insee_code and insee_code in _BY_INSEE:
        return _BY_INSEE[insee_code]
    if name:
        folded = _fold(name)
        if folded.startswith("st ") or " st " in folded:
            folded = folded.replace("st ", "saint ")
        if folded in _BY_NAME:
            return _BY_NAME[folded]
        return None
    if postal_code:
        return _BY_POSTAL.get(postal_code.strip())
    return None


def is_in_territory(*, name: str = "", postal_code: str = "", insee_code: str = "") -> bool:
    return commune_lookup(name=name, postal_code=postal_code, insee_code=insee_code) is not None
