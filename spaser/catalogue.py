# ruff: noqa: E501  (French labels and definitions kept whole for translators)
"""The SPASER 2024–2026 of Est Ensemble as data: every annual indicator, baseline, target, PNAD.

No Django import. Labels are French source strings marked with ``_`` (a no-op here) so the
catalogue is extracted for translation; pages translate them when they display them.
Sources: the SPASER (seed 003), the PNAD 2022–2025 targets quoted in its « Cadre juridique ».
"""

from __future__ import annotations

from dataclasses import dataclass


def _(text: str) -> str:
    return text


# Where a figure comes from.
DECP = "decp"  # computed from the contracts register
MANUAL = "manual"  # entered by staff each year (ManualEntry)
ELLIPSE = "ellipse"  # computed from the register and Ellipse's registrations

COUNT, SHARE, AMOUNT, HOURS = "count", "share", "amount", "hours"


@dataclass(frozen=True)
class Indicator:
    key: str
    orientation: int
    label: str
    definition: str
    unit: str
    source: str
    baseline_2023: float | None = None
    target_2026: float | None = None
    pnad_2025: float | None = None
    missing: str = ""  # what data is needed when the figure cannot be computed


ORIENTATIONS = {
    1: _("Encourager l'économie circulaire"),
    2: _("Réduire l'empreinte carbone et l'émission des gaz à effet de serre"),
    3: _("Promouvoir le recours aux structures de l'ESS"),
    4: _("Renforcer le dispositif des clauses sociales d'insertion"),
    5: _("Favoriser l'accès des TPE/PME à la commande publique"),
    6: _("Promouvoir la mutualisation des achats"),
    7: _("Sensibiliser et veiller à la bonne définition des besoins"),
    8: _("Faciliter l'accès à la commande publique des entreprises locales innovantes"),
    9: _("Développer la place du citoyen dans la commande publique"),
}

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "environmental_share",
        1,
        _("Part des marchés notifiés avec une considération environnementale"),
        _(
            "Marchés notifiés dans l'année dont « considérationsEnvironnementales » contient au moins une "
            "valeur autre que « Pas de considération environnementale », rapportés à tous les marchés "
            "notifiés dans l'année."
        ),
        SHARE,
        DECP,
        baseline_2023=0.28,
        target_2026=1.0,
        pnad_2025=1.0,
    ),
    Indicator(
        "environmental",
        1,
        _("Marchés notifiés contenant une considération environnementale"),
        _(
            "Nombre de marchés notifiés dans l'année avec au moins une considération environnementale."
        ),
        COUNT,
        DECP,
    ),
    Indicator(
        "reuse_supplies",
        1,
        _("Marchés de fournitures avec clause ou critère de réemploi (loi AGEC)"),
        _(
            "Nombre de marchés de fournitures intégrant une clause ou un critère lié aux biens issus du "
            "réemploi, de la réutilisation ou du recyclage (saisi par la commande publique)."
        ),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne distinguent pas les clauses de réemploi : chiffre à saisir."),
    ),
    Indicator(
        "trained_people",
        1,
        _("Agents et élus formés aux achats responsables"),
        _(
            "Nombre d'agents et d'élus formés ou sensibilisés dans l'année (module formations ou saisie)."
        ),
        COUNT,
        MANUAL,
        missing=_("Nombre de personnes formées à saisir (ou issu du module formations)."),
    ),
    Indicator(
        "eco_constructions",
        2,
        _("Constructions ou réhabilitations lourdes écoresponsables"),
        _(
            "Nombre de constructions nouvelles ou de réhabilitations lourdes inscrites dans une démarche "
            "écoresponsable (saisi)."
        ),
        COUNT,
        MANUAL,
        missing=_("Donnée des directions des bâtiments à saisir."),
    ),
    Indicator(
        "eco_delivery",
        2,
        _("Marchés de fournitures avec clause de livraison écoresponsable"),
        _(
            "Nombre de marchés de fournitures prenant en compte une clause de livraison écoresponsable (saisi)."
        ),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne précisent pas la nature de la clause : chiffre à saisir."),
    ),
    Indicator(
        "energy_renovations",
        2,
        _("Opérations de rénovation énergétique"),
        _("Nombre d'opérations de rénovation énergétique effectuées dans l'année (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Donnée des directions des bâtiments à saisir."),
    ),
    Indicator(
        "biosourced_works",
        2,
        _("Marchés de travaux exigeant des matériaux biosourcés ou bas carbone"),
        _(
            "Nombre de marchés de travaux exigeant l'utilisation de matériaux biosourcés ou bas carbone (saisi)."
        ),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne précisent pas les matériaux : chiffre à saisir."),
    ),
    Indicator(
        "reserved",
        3,
        _("Marchés ou lots réservés (SIAE, EA, ESAT, ESS)"),
        _(
            "Nombre de marchés notifiés dans l'année dont les considérations sociales contiennent « Marché "
            "réservé » (ou « Concession réservée »)."
        ),
        COUNT,
        DECP,
    ),
    Indicator(
        "ess_contracts",
        3,
        _("Marchés attribués à des structures d'utilité sociale connues d'Ellipse"),
        _(
            "Nombre de marchés notifiés dans l'année dont au moins un titulaire est une entreprise inscrite "
            "sur Ellipse avec un statut ESS (SIAE, EA, ESAT, association, coopérative, ESUS)."
        ),
        COUNT,
        ELLIPSE,
    ),
    Indicator(
        "social_over_40k_share",
        4,
        _("Part des marchés de plus de 40 000 € HT avec une considération sociale"),
        _(
            "Parmi les marchés notifiés dans l'année dont le montant HT est strictement supérieur à "
            "40 000 €, part de ceux dont « considérationsSociales » contient au moins une valeur autre que "
            "« Pas de considération sociale »."
        ),
        SHARE,
        DECP,
        baseline_2023=0.35,
        target_2026=0.5,
        pnad_2025=0.3,
    ),
    Indicator(
        "social",
        4,
        _("Marchés notifiés contenant une considération sociale"),
        _("Nombre de marchés notifiés dans l'année avec au moins une considération sociale."),
        COUNT,
        DECP,
    ),
    Indicator(
        "insertion_hours",
        4,
        _("Heures d'insertion réalisées"),
        _(
            "Heures d'insertion réalisées dans l'année via les marchés d'Est Ensemble, d'après le "
            "facilitateur des clauses sociales (saisi)."
        ),
        HOURS,
        MANUAL,
        baseline_2023=66000,
        target_2026=100000,
        missing=_("Bilan annuel du facilitateur des clauses sociales à saisir."),
    ),
    Indicator(
        "insertion_jobs",
        4,
        _("Contrats d'insertion ayant abouti à un CDD/CDI de plus de 6 mois"),
        _(
            "Nombre de parcours d'insertion ayant abouti à un CDD ou CDI de plus de six mois (saisi)."
        ),
        COUNT,
        MANUAL,
        missing=_("Bilan annuel du facilitateur des clauses sociales à saisir."),
    ),
    Indicator(
        "small_under_40k",
        5,
        _("Marchés de moins de 40 000 € attribués à des TPE/PME"),
        _(
            "Nombre de marchés notifiés dans l'année dont le montant HT est strictement inférieur à "
            "40 000 € et dont au moins un titulaire est une TPE, PME ou artisan inscrit sur Ellipse."
        ),
        COUNT,
        ELLIPSE,
    ),
    Indicator(
        "small_amount_share",
        5,
        _("Part du montant attribuée à des TPE/PME (titulaires connus)"),
        _(
            "Montant HT des marchés dont au moins un titulaire est une TPE, PME ou artisan inscrit sur "
            "Ellipse, rapporté au montant des marchés dont au moins un titulaire est connu d'Ellipse."
        ),
        SHARE,
        ELLIPSE,
    ),
    Indicator(
        "ellipse_holders",
        5,
        _("Bénéficiaires du programme Ellipse titulaires d'un marché"),
        _(
            "Nombre d'entreprises distinctes inscrites à une édition de la convention et titulaires d'un "
            "marché notifié dans l'année."
        ),
        COUNT,
        ELLIPSE,
    ),
    Indicator(
        "ellipse_under_40k",
        5,
        _("Marchés de moins de 40 000 € tenus par des bénéficiaires Ellipse"),
        _(
            "Nombre de marchés notifiés dans l'année, de montant HT strictement inférieur à 40 000 €, "
            "dont un titulaire est inscrit à une édition de la convention."
        ),
        COUNT,
        ELLIPSE,
    ),
    Indicator(
        "mutualised",
        6,
        _("Marchés mutualisés notifiés (groupement de commandes)"),
        _("Nombre de marchés notifiés passés en groupement de commandes (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne signalent pas les groupements de commandes : chiffre à saisir."),
    ),
    Indicator(
        "central_purchasing",
        6,
        _("Achats réalisés par une centrale d'achats"),
        _("Nombre d'achats passés par l'intermédiaire d'une centrale d'achats (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Chiffre à saisir par la commande publique."),
    ),
    Indicator(
        "modified",
        7,
        _("Marchés passés avec avenant"),
        _("Nombre de marchés notifiés dans l'année ayant au moins une modification publiée."),
        COUNT,
        DECP,
    ),
    Indicator(
        "terminated",
        7,
        _("Résiliations, déclarations sans suite ou infructueuses"),
        _("Nombre de procédures résiliées, déclarées sans suite ou infructueuses (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne publient pas les procédures abandonnées : chiffre à saisir."),
    ),
    Indicator(
        "variants",
        8,
        _("Marchés ayant fait l'objet de variantes"),
        _("Nombre de marchés notifiés ayant autorisé les variantes (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Les DECP ne publient pas l'autorisation des variantes : chiffre à saisir."),
    ),
    Indicator(
        "dialogue_share",
        8,
        _("Part des marchés passés en dialogue compétitif"),
        _(
            "Marchés notifiés dans l'année dont la procédure est « Dialogue compétitif », rapportés à "
            "tous les marchés notifiés dans l'année."
        ),
        SHARE,
        DECP,
    ),
    Indicator(
        "innovative_amount_ht",
        8,
        _("Montant des achats innovants"),
        _("Montant HT notifié des marchés dont « marcheInnovant » est vrai."),
        AMOUNT,
        DECP,
    ),
    Indicator(
        "innovative_companies",
        8,
        _("Entreprises innovantes sourcées"),
        _("Nombre d'entreprises innovantes identifiées lors du sourcing (saisi)."),
        COUNT,
        MANUAL,
        missing=_("Chiffre à saisir par la direction de l'économie."),
    ),
    Indicator(
        "citizen_participation",
        9,
        _("Marchés avec participation citoyenne"),
        _(
            "Nombre de marchés ayant associé des citoyens (définition du besoin, jury, négociation), "
            "objectif : au moins un par an (saisi)."
        ),
        COUNT,
        MANUAL,
        target_2026=1,
        missing=_("Chiffre à saisir par la commande publique."),
    ),
)

BY_KEY = {indicator.key: indicator for indicator in INDICATORS}
MANUAL_CHOICES = [(i.key, i.label) for i in INDICATORS if i.source == MANUAL]
HEADLINE = ("environmental_share", "social_over_40k_share", "insertion_hours", "ellipse_holders")


def trajectory(indicator: Indicator) -> dict[int, float] | None:
    """Linear path 2023 → 2026 from the baseline to the target (None without both)."""
    if indicator.baseline_2023 is None or indicator.target_2026 is None:
        return None
    step = (indicator.target_2026 - indicator.baseline_2023) / 3
    return {
        year: round(indicator.baseline_2023 + step * (year - 2023), 4) for year in range(2023, 2027)
    }
