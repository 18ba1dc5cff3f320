"""Meeting reasons stored as data (kind + parameters) instead of French sentences.

Old entries were ``{"kind", "text", "planned_contract_id", "reference", "title", "amount",
"quarter"}``; sentences are parsed back to their parameters. A sentence that cannot be parsed is
kept as ``{"kind": "text", "text": ...}`` and still shown as it was."""

import re

from django.db import migrations

CPV_RE = re.compile(r"^CPV (\d{8}) de « .* » : (.+) que votre CPV (\d{8})$")
KEYWORD_RE = re.compile(r"^Mots-clés trouvés dans « .* » : (.+)$")
MORE_RE = re.compile(r"^Et (\d+) autre\(s\) marché")


def _depth(own: str, theirs: str) -> int:
    if own == theirs:
        return 8
    a, b = (c[: max(2, len(c.rstrip("0")))] for c in (own, theirs))
    depth = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        depth += 1
    return depth if depth >= 2 else 0


def structured(reason: dict) -> dict:
    if "text" not in reason:  # already structured
        return reason
    kind, text = reason.get("kind"), reason.get("text", "")
    contract_id, reference = reason.get("planned_contract_id"), reason.get("reference", "")
    if kind == "cpv":
        if match := CPV_RE.match(text):
            theirs, _how, own = match.groups()
            return {
                "kind": "cpv",
                "contract_id": contract_id,
                "reference": reference,
                "depth": _depth(own, theirs),
                "company_code": own,
                "contract_code": theirs,
            }
        if match := MORE_RE.match(text):
            return {"kind": "more", "count": int(match.group(1))}
    if kind == "keyword" and (match := KEYWORD_RE.match(text)):
        return {
            "kind": "keyword",
            "contract_id": contract_id,
            "reference": reference,
            "keywords": [k.strip() for k in match.group(1).split(",") if k.strip()],
        }
    if kind == "company_wish":
        return {"kind": "company_wish", "contract_id": contract_id, "reference": reference}
    if kind == "buyer_wish":
        return {"kind": "buyer_wish"}
    if kind == "policy":
        if text.startswith("Souhait réciproque"):
            return {"kind": "policy", "policy": "mutual"}
        if text.startswith("Structure de l'économie sociale"):
            return {"kind": "policy", "policy": "ess"}
        if text.startswith("Implantée à"):
            return {"kind": "policy", "policy": "local"}
        return {"kind": "policy", "policy": "small"}
    return {"kind": "text", "text": text}


def forwards(apps, schema_editor):
    Meeting = apps.get_model("meetings", "Meeting")
    changed = []
    for meeting in Meeting.objects.exclude(reasons=[]).only("pk", "reasons").iterator():
        reasons = [structured(r) for r in meeting.reasons or []]
        if reasons != meeting.reasons:
            meeting.reasons = reasons
            changed.append(meeting)
    Meeting.objects.bulk_update(changed, ["reasons"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("meetings", "0003_relevance_scores")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
