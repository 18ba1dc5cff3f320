"""SIRET checks (python-stdnum), with the French messages every form, model and import shares."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.fr import siret as stdnum_siret


def siret_normalise(value: object) -> str:
    """The digits of a SIRET typed with spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def siret_validate(value: object) -> str:
    """The 14 digits of a valid SIRET (Luhn keys of SIREN and SIRET), or a French
    ``ValidationError`` saying whether the length or the key is wrong."""
    number = siret_normalise(value)
    try:
        return stdnum_siret.validate(number)
    except (InvalidFormat, InvalidLength) as error:
        raise ValidationError(
            _("Le SIRET doit comporter 14 chiffres."),
            code="siret_length",
            params={"value": number},
        ) from error
    except InvalidChecksum as error:
        raise ValidationError(
            _("Ce SIRET n'est pas valide (clé de contrôle) : vérifiez les chiffres saisis."),
            code="siret_checksum",
            params={"value": number},
        ) from error
