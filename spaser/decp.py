"""DECP readers: every published shape of the French public-contract data, read as a stream.

No Django import. ``read_records(path)`` yields one ``RawRecord`` per contract found in a file
(DECP v2 JSON ``marches.marche[]`` / ``marches.contrat-concession[]``, v2 XML, the older v1 JSON
and its flattened variants, the consolidated one-row-per-holder CSV), with the schema errors of
that record. ``normalise(raw)`` turns it into a ``ContractRecord`` (the fields Ellipse keeps),
warnings, or a rejection naming the field. Large files are streamed (ijson, XML iterparse,
csv) and never loaded whole.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
JSON_SCHEMA = SCHEMA_DIR / "schema_decp_v2.0.3.json"
XSD_SCHEMA = SCHEMA_DIR / "schema_decp_v2.0.2.xsd"

MARCHE = "marche"
CONCESSION = "concession"
NO_SOCIAL = "Pas de considération sociale"
NO_ENVIRONMENTAL = "Pas de considération environnementale"
RESERVED = ("Marché réservé", "Concession réservée")
MAX_SCHEMA_ERRORS = 10
MAX_AMOUNT = Decimal("1e13")  # 10,000 bn €: beyond, a typing error

# XML elements holding a list of children (v2 XSD), so a single child still gives a list.
XML_LISTS = {
    "titulaires",
    "concessionnaires",
    "considerationsSociales",
    "considerationsEnvironnementales",
    "techniques",
    "modalitesExecution",
    "typesPrix",
    "modifications",
    "actesSousTraitance",
    "modificationsActesSousTraitance",
    "donneesExecution",
    "tarifs",
}


@dataclass
class RawRecord:
    """One contract as found in a file: its position, kind, data and schema errors."""

    position: int
    kind: str
    data: dict
    schema_errors: list[tuple[str, str]] = field(default_factory=list)
    format: str = ""


@dataclass
class Issue:
    field: str
    message: str


@dataclass
class ContractRecord:
    """The normalised contract Ellipse keeps (amounts in euros HT, dates as ``date``)."""

    decp_id: str
    kind: str
    buyer_siret: str
    notified_on: date
    amount_ht: Decimal
    object: str = ""
    cpv: str = ""
    nature: str = ""
    procedure: str = ""
    duration_months: int | None = None
    ccag: str = ""
    innovative: bool | None = None
    published_on: date | None = None
    holders: list[tuple[str, str]] = field(default_factory=list)  # (type, id)
    social: list[str] = field(default_factory=list)
    environmental: list[str] = field(default_factory=list)
    techniques: list[str] = field(default_factory=list)
    execution_modes: list[str] = field(default_factory=list)
    framework_id: str = ""
    grouping: str = ""
    subcontracting_declared: bool | None = None
    subcontracting_acts: int = 0
    modifications: int = 0
    current_amount_ht: Decimal | None = None
    format: str = ""

    @property
    def uid(self) -> str:
        """DECP's unique key: buyer SIRET followed by the contract id."""
        return f"{self.buyer_siret}{self.decp_id}"

    @property
    def version(self) -> str:
        """Sortable freshness of a publication: publication date, then modifications."""
        published = self.published_on.isoformat() if self.published_on else "0000-00-00"
        return f"{published}#{self.modifications:04d}"


# --- format detection and streaming readers -------------------------------------------


def detect_format(path: Path) -> str:
    """``json``, ``xml`` or ``csv`` from the first meaningful character of the file."""
    with open(path, "rb") as fh:
        head = fh.read(2048).lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{") or head.startswith(b"["):
        return "json"
    if head.startswith(b"<"):
        return "xml"
    return "csv"


def read_records(path: Path, *, validate: bool = True) -> Iterator[RawRecord]:
    """Every contract of a DECP file, in file order, whatever its format."""
    kind = detect_format(path)
    if kind == "json":
        yield from _read_json(path, validate=validate)
    elif kind == "xml":
        yield from _read_xml(path, validate=validate)
    else:
        yield from _read_csv(path)


def _json_shape(path: Path) -> str:
    import ijson

    with open(path, "rb") as fh:
        for prefix, event, _value in ijson.parse(fh):
            if prefix == "marches" and event in ("start_map", "start_array"):
                return "v2" if event == "start_map" else "v1"
            if prefix == "" and event == "start_array":
                return "list"
    return "unknown"


@cache
def _json_validators() -> dict:
    from jsonschema import Draft7Validator

    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    defs = schema["definitions"]
    return {
        MARCHE: Draft7Validator({"$ref": "#/definitions/marche", "definitions": defs}),
        CONCESSION: Draft7Validator(
            {"$ref": "#/definitions/contrat-concession", "definitions": defs}
        ),
    }


@cache
def _fast_validators() -> dict:
    """Compiled validators (fastjsonschema, ~0.15 ms a record) for the common, valid case."""
    import fastjsonschema

    schema = json.loads(JSON_SCHEMA.read_text(encoding="utf-8"))
    base = {"$schema": schema["$schema"], "definitions": schema["definitions"]}
    return {
        MARCHE: fastjsonschema.compile({**base, "$ref": "#/definitions/marche"}),
        CONCESSION: fastjsonschema.compile({**base, "$ref": "#/definitions/contrat-concession"}),
    }


def _schema_errors(kind: str, data: dict) -> list[tuple[str, str]]:
    """Schema errors of one record: a compiled check first, jsonschema's full list if it fails."""
    import fastjsonschema

    try:
        _fast_validators()[kind](data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    errors = []
    for error in _json_validators()[kind].iter_errors(data):
        where = ".".join(str(p) for p in error.absolute_path)
        if error.validator == "required":
            missing = re.match(r"'([^']+)'", error.message)
            where = ".".join(filter(None, [where, missing.group(1) if missing else ""]))
            errors.append((where, "champ obligatoire absent"))
        else:
            errors.append((where or "(enregistrement)", error.message[:300]))
        if len(errors) >= MAX_SCHEMA_ERRORS:
            break
    return errors


def _read_json(path: Path, *, validate: bool) -> Iterator[RawRecord]:
    """Streamed with ijson; a file with bare ``NaN`` (invalid JSON, seen in real feeds) is re-read
    whole with the standard parser, ``NaN`` read as null, skipping the records already given."""
    import ijson

    given = 0
    try:
        for record in _stream_json(path, validate=validate, iterate=_ijson_items):
            given += 1
            yield record
    except ijson.JSONError:
        data = json.loads(path.read_bytes(), parse_constant=lambda _c: None)
        for record in _stream_json(path, validate=validate, iterate=_loaded_items(data)):
            if record.position > given:
                yield record


def _ijson_items(path: Path, prefix: str) -> Iterator:
    import ijson

    with open(path, "rb") as fh:
        yield from ijson.items(fh, prefix)


def _loaded_items(data):
    def iterate(_path: Path, prefix: str) -> Iterator:
        node = data
        for part in prefix.split("."):
            if part == "item":
                yield from node if isinstance(node, list) else []
                return
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                return

    return iterate


def _stream_json(path: Path, *, validate: bool, iterate) -> Iterator[RawRecord]:
    shape = _json_shape(path)
    position = 0
    if shape == "v2":
        for kind, prefix in (
            (MARCHE, "marches.marche.item"),
            (CONCESSION, "marches.contrat-concession.item"),
        ):
            for data in iterate(path, prefix):
                position += 1
                errors = _schema_errors(kind, data) if validate else []
                yield RawRecord(position, kind, data, errors, "json-v2")
        return
    prefix = "marches.item" if shape == "v1" else "item"
    for data in iterate(path, prefix):
        position += 1
        kind = CONCESSION if _is_concession(data) else MARCHE
        yield RawRecord(position, kind, data, [], "json-v1")


def _is_concession(data: dict) -> bool:
    kind = str(data.get("_type") or "").lower()
    return "concession" in kind or "autoriteConcedante" in data


def _xml_to_dict(element) -> dict | str:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    if element.tag in XML_LISTS:
        return {children[0].tag: [_xml_to_dict(c) for c in children]} if children else {}
    out: dict = {}
    for child in children:
        out[child.tag] = _xml_to_dict(child)
    return out


def _xml_positions_errors(path: Path) -> dict[tuple[str, int], list[tuple[str, str]]]:
    import xmlschema

    schema = _xsd()
    errors: dict[tuple[str, int], list[tuple[str, str]]] = {}
    for error in schema.iter_errors(str(path)):
        match = re.search(r"/(marche|contrat-concession)(?:\[(\d+)\])?(/.*)?$", error.path or "")
        if not match:
            key = ("file", 0)
            where = error.path or "(fichier)"
        else:
            key = (match.group(1), int(match.group(2) or 1))
            where = (match.group(3) or "").strip("/").replace("/", ".") or "(enregistrement)"
        reason = (
            error.reason if isinstance(error, xmlschema.XMLSchemaValidationError) else str(error)
        )
        errors.setdefault(key, []).append((where, (reason or "")[:300]))
    return errors


@cache
def _xsd():
    import xmlschema

    return xmlschema.XMLSchema(str(XSD_SCHEMA))


def _read_xml(path: Path, *, validate: bool) -> Iterator[RawRecord]:
    from defusedxml.ElementTree import iterparse

    errors = _xml_positions_errors(path) if validate else {}
    counters = {"marche": 0, "contrat-concession": 0}
    position = 0
    depth = 0
    for event, element in iterparse(str(path), events=("start", "end")):
        if event == "start":
            depth += 1
            continue
        depth -= 1
        if depth == 1 and element.tag in counters:
            counters[element.tag] += 1
            position += 1
            kind = MARCHE if element.tag == "marche" else CONCESSION
            data = _xml_to_dict(element)
            own = errors.get((element.tag, counters[element.tag]), [])[:MAX_SCHEMA_ERRORS]
            yield RawRecord(position, kind, data, own, "xml-v2")
            element.clear()


def _read_csv(path: Path) -> Iterator[RawRecord]:
    """The consolidated table: one row per holder, grouped back into one record per ``uid``."""
    with open(path, newline="", encoding="utf-8-sig") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        reader = csv.DictReader(fh, dialect=dialect)
        current: dict | None = None
        current_key = None
        position = 0
        for row in reader:
            key = row.get("uid") or f"{row.get('acheteur_id', '')}{row.get('id', '')}"
            if current is not None and key != current_key:
                position += 1
                yield RawRecord(position, current.pop("_kind"), current, [], "csv")
                current = None
            if current is None:
                current = _csv_record(row)
                current_key = key
            if row.get("titulaire_id"):
                current["titulaires"].append(
                    {
                        "typeIdentifiant": row.get("titulaire_typeIdentifiant") or "SIRET",
                        "id": row["titulaire_id"],
                    }
                )
        if current is not None:
            position += 1
            yield RawRecord(position, current.pop("_kind"), current, [], "csv")


def _split(value: str | None) -> list[str]:
    if not value:
        return []
    return [v.strip() for v in re.split(r"[,;|]", value) if v.strip()]


def _csv_record(row: dict) -> dict:
    return {
        "_kind": CONCESSION if "concession" in (row.get("type") or "").lower() else MARCHE,
        "id": row.get("id") or "",
        "acheteur": {"id": row.get("acheteur_id") or ""},
        "nature": row.get("nature") or "",
        "objet": row.get("objet") or "",
        "codeCPV": row.get("codeCPV") or "",
        "procedure": row.get("procedure") or "",
        "dureeMois": row.get("dureeMois") or None,
        "dateNotification": row.get("dateNotification") or None,
        "datePublicationDonnees": row.get("datePublicationDonnees") or None,
        "montant": row.get("montant") or None,
        "marcheInnovant": row.get("marcheInnovant") or None,
        "ccag": row.get("ccag") or "",
        "sousTraitanceDeclaree": row.get("sousTraitanceDeclaree") or None,
        "typeGroupementOperateurs": row.get("typeGroupementOperateurs") or "",
        "idAccordCadre": row.get("idAccordCadre") or "",
        "techniques": _split(row.get("techniques")),
        "modalitesExecution": _split(row.get("modalitesExecution")),
        "considerationsSociales": _split(row.get("considerationsSociales")),
        "considerationsEnvironnementales": _split(row.get("considerationsEnvironnementales")),
        "titulaires": [],
        "modification_id": row.get("modification_id") or None,
    }


# --- normalisation ------------------------------------------------------------------------


def _values(value, inner: str) -> list:
    """A v2 wrapped list (``{"x": [...]}``), a plain list, a single value, or nothing."""
    if value is None or value == "":
        return []
    if isinstance(value, dict):
        value = value.get(inner, [])
    if not isinstance(value, list):
        value = [value]
    out = []
    for item in value:
        if isinstance(item, dict) and inner in item and isinstance(item[inner], dict):
            item = item[inner]
        if item not in (None, ""):
            out.append(item)
    return out


def _text(value) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _date(value) -> date | None:
    text = _text(value)
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _decimal(value) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace(",", "."))
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _int(value) -> int | None:
    amount = _decimal(value)
    if amount is None or amount != amount.to_integral_value():
        return None
    return int(amount)


def _bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in ("oui", "true", "1", "vrai"):
        return True
    if text in ("non", "false", "0", "faux"):
        return False
    return None


def normalise(raw: RawRecord) -> tuple[ContractRecord | None, list[Issue], Issue | None]:
    """(record, warnings, rejection): rejection when a required key is missing or unreadable."""
    data = raw.data
    concession = raw.kind == CONCESSION
    warnings = [Issue(where, f"Schéma : {message}") for where, message in raw.schema_errors]

    decp_id = _text(data.get("id"))
    buyer_key = "autoriteConcedante" if concession and "autoriteConcedante" in data else "acheteur"
    buyer = data.get(buyer_key)
    buyer_siret = _text(buyer.get("id") if isinstance(buyer, dict) else buyer)
    date_key = "dateSignature" if concession and "dateSignature" in data else "dateNotification"
    amount_key = "valeurGlobale" if concession and "valeurGlobale" in data else "montant"

    if not decp_id:
        return None, warnings, Issue("id", "Identifiant du marché absent : enregistrement rejeté.")
    if not buyer_siret:
        return (
            None,
            warnings,
            Issue(f"{buyer_key}.id", "SIRET de l'acheteur absent : enregistrement rejeté."),
        )
    raw_date = data.get(date_key)
    if raw_date in (None, ""):
        return (
            None,
            warnings,
            Issue(date_key, "Date de notification absente : enregistrement rejeté."),
        )
    notified_on = _date(raw_date)
    if notified_on is None:
        return (
            None,
            warnings,
            Issue(
                date_key,
                f"Date de notification illisible ({_text(raw_date)[:40]}) : enregistrement rejeté.",
            ),
        )
    raw_amount = data.get(amount_key)
    if raw_amount in (None, ""):
        return None, warnings, Issue(amount_key, "Montant absent : enregistrement rejeté.")
    amount = _decimal(raw_amount)
    if amount is None or amount < 0 or amount >= MAX_AMOUNT:
        return (
            None,
            warnings,
            Issue(
                amount_key, f"Montant illisible ({_text(raw_amount)[:40]}) : enregistrement rejeté."
            ),
        )

    if not re.fullmatch(r"\d{14}", buyer_siret):
        warnings.append(
            Issue(f"{buyer_key}.id", f"« {buyer_siret[:20]} » n'est pas un SIRET de 14 chiffres.")
        )
    if amount == 0:
        warnings.append(Issue(amount_key, "Montant nul."))

    holder_key = "concessionnaires" if concession else "titulaires"
    inner = "concessionnaire" if concession else "titulaire"
    holders = []
    for holder in _values(data.get(holder_key), inner):
        if not isinstance(holder, dict):
            continue
        holder_id = _text(holder.get("id"))
        if holder_id:
            holders.append((_text(holder.get("typeIdentifiant")) or "SIRET", holder_id))
    if not holders:
        warnings.append(Issue(holder_key, "Aucun titulaire renseigné."))

    social = [_text(v) for v in _values(data.get("considerationsSociales"), "considerationSociale")]
    environmental = [
        _text(v)
        for v in _values(
            data.get("considerationsEnvironnementales"), "considerationEnvironnementale"
        )
    ]
    if "considerationsSociales" not in data and "considerationsEnvironnementales" not in data:
        warnings.append(
            Issue(
                "considerationsSociales",
                "Considérations sociales et environnementales non publiées (format v1).",
            )
        )

    duration = _int(data.get("dureeMois"))
    if data.get("dureeMois") not in (None, "") and duration is None:
        warnings.append(
            Issue("dureeMois", f"Durée illisible ({_text(data.get('dureeMois'))[:20]}).")
        )

    modifications = [
        m for m in _values(data.get("modifications"), "modification") if isinstance(m, dict)
    ]
    current = amount
    for modification in modifications:
        value = _decimal(modification.get("valeurGlobale" if concession else "montant"))
        if value is not None:
            current = value
    published_on = _date(data.get("datePublicationDonnees"))
    for modification in modifications:
        for key in ("datePublicationDonneesModification", "datePublicationDonnees"):
            mod_date = _date(modification.get(key))
            if mod_date and (published_on is None or mod_date > published_on):
                published_on = mod_date

    record = ContractRecord(
        decp_id=decp_id[:100],
        kind=raw.kind,
        buyer_siret=buyer_siret[:20],
        notified_on=notified_on,
        amount_ht=amount.quantize(Decimal("0.01")),
        object=_text(data.get("objet"))[:1000],
        cpv=_text(data.get("codeCPV"))[:12],
        nature=_text(data.get("nature"))[:100],
        procedure=_text(data.get("procedure"))[:100],
        duration_months=duration,
        ccag=_text(data.get("ccag"))[:100],
        innovative=_bool(data.get("marcheInnovant")),
        published_on=published_on,
        holders=holders,
        social=social,
        environmental=environmental,
        techniques=[_text(v) for v in _values(data.get("techniques"), "technique")],
        execution_modes=[
            _text(v) for v in _values(data.get("modalitesExecution"), "modaliteExecution")
        ],
        framework_id=_text(data.get("idAccordCadre"))[:100],
        grouping=_text(data.get("typeGroupementOperateurs"))[:100],
        subcontracting_declared=_bool(data.get("sousTraitanceDeclaree")),
        subcontracting_acts=len(_values(data.get("actesSousTraitance"), "acteSousTraitance")),
        modifications=len(modifications) or (_int(data.get("modification_id")) or 0),
        current_amount_ht=current.quantize(Decimal("0.01")),
        format=raw.format,
    )
    return record, warnings, None
