"""Demo data of buyers/: the CPV subset, ~30 buyer organisations and ~300 planned contracts."""

import csv
import random
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from stdnum import luhn

from ellipse.editions.models import Edition

from .enums import ContractStatus, OrganisationKind, Procedure, Reservation, Visibility
from .models import (
    BuyerOrganisation,
    BuyerParticipation,
    CpvCode,
    PlannedContract,
    PlannedContractLot,
)
from .services import cpv_load_rows

CPV_DEMO_FILE = Path(__file__).parent / "data" / "cpv_demo.csv"

# (name, short name, kind, commune)
ORGANISATIONS = [
    ("Est Ensemble", "Est Ensemble", OrganisationKind.EPT, "Romainville"),
    ("Ville de Bagnolet", "Bagnolet", OrganisationKind.COMMUNE, "Bagnolet"),
    ("Ville de Bobigny", "Bobigny", OrganisationKind.COMMUNE, "Bobigny"),
    ("Ville de Bondy", "Bondy", OrganisationKind.COMMUNE, "Bondy"),
    ("Ville des Lilas", "Les Lilas", OrganisationKind.COMMUNE, "Les Lilas"),
    ("Ville de Montreuil", "Montreuil", OrganisationKind.COMMUNE, "Montreuil"),
    ("Ville de Noisy-le-Sec", "Noisy-le-Sec", OrganisationKind.COMMUNE, "Noisy-le-Sec"),
    ("Ville de Pantin", "Pantin", OrganisationKind.COMMUNE, "Pantin"),
    ("Ville du Pré-Saint-Gervais", "Le Pré", OrganisationKind.COMMUNE, "Le Pré-Saint-Gervais"),
    ("Ville de Romainville", "Romainville", OrganisationKind.COMMUNE, "Romainville"),
    ("Département de la Seine-Saint-Denis", "CD93", OrganisationKind.DEPARTEMENT, "Bobigny"),
    ("Préfecture de la Seine-Saint-Denis", "Préfecture 93", OrganisationKind.ETAT, "Bobigny"),
    (
        "Direction départementale de l'emploi, du travail et des solidarités",
        "DDETS 93",
        OrganisationKind.ETAT,
        "Bobigny",
    ),
    (
        "Direction des services départementaux de l'Éducation nationale",
        "DSDEN 93",
        OrganisationKind.ETAT,
        "Bobigny",
    ),
    (
        "Centre hospitalier intercommunal André-Grégoire",
        "CHI Montreuil",
        OrganisationKind.HOPITAL,
        "Montreuil",
    ),
    ("Hôpital Avicenne (AP-HP)", "Avicenne", OrganisationKind.HOPITAL, "Bobigny"),
    ("Hôpital Jean-Verdier (AP-HP)", "Jean-Verdier", OrganisationKind.HOPITAL, "Bondy"),
    (
        "Établissement public de santé de Ville-Évrard",
        "Ville-Évrard",
        OrganisationKind.HOPITAL,
        "Neuilly-sur-Marne",
    ),
    ("OPH Montreuillois", "OPHM", OrganisationKind.BAILLEUR, "Montreuil"),
    ("Seine-Saint-Denis Habitat", "SSDH", OrganisationKind.BAILLEUR, "Bobigny"),
    ("Bondy Habitat", "Bondy Habitat", OrganisationKind.BAILLEUR, "Bondy"),
    ("Pantin Habitat", "Pantin Habitat", OrganisationKind.BAILLEUR, "Pantin"),
    (
        "Centre communal d'action sociale de Montreuil",
        "CCAS Montreuil",
        OrganisationKind.OTHER_PUBLIC,
        "Montreuil",
    ),
    ("Caisse des écoles de Pantin", "CDE Pantin", OrganisationKind.OTHER_PUBLIC, "Pantin"),
    ("Société des grands projets", "SGP", OrganisationKind.OTHER_PUBLIC, "Saint-Denis"),
    (
        "Syndicat intercommunal de la restauration collective",
        "SIRC",
        OrganisationKind.OTHER_PUBLIC,
        "Bobigny",
    ),
    ("Bâtisseurs du Grand Est parisien", "BGEP", OrganisationKind.PRIVATE, "Montreuil"),
    ("Groupe Habitat & Travaux Île-de-France", "GHT IDF", OrganisationKind.PRIVATE, "Pantin"),
    ("Foncière Canal de l'Ourcq", "FCO", OrganisationKind.PRIVATE, "Pantin"),
    ("Logistique Urbaine Est", "LUE", OrganisationKind.PRIVATE, "Bobigny"),
]

# Activities shared by planned contracts and companies: (key, contract title, CPV, amount range
# in k€, company words, keywords)
ACTIVITIES = [
    (
        "espaces_verts",
        "Entretien des espaces verts",
        "77310000",
        (20, 400),
        "Paysages",
        "espaces verts, tonte, taille, jardin",
    ),
    (
        "elagage",
        "Élagage et abattage d'arbres",
        "77211400",
        (15, 150),
        "Arbres & Élagage",
        "élagage, arboriste, abattage",
    ),
    (
        "nettoyage",
        "Nettoyage des bâtiments communaux",
        "90911200",
        (40, 900),
        "Propreté",
        "nettoyage, propreté, vitrerie",
    ),
    (
        "peinture",
        "Travaux de peinture intérieure",
        "45442100",
        (15, 300),
        "Peinture",
        "peinture, revêtements muraux, ravalement",
    ),
    (
        "plomberie",
        "Travaux de plomberie et sanitaires",
        "45330000",
        (20, 350),
        "Plomberie",
        "plomberie, sanitaires, chauffage",
    ),
    (
        "electricite",
        "Travaux d'électricité courants forts et faibles",
        "45310000",
        (30, 500),
        "Électricité",
        "électricité, câblage, éclairage",
    ),
    (
        "menuiserie",
        "Travaux de menuiserie",
        "45421000",
        (20, 300),
        "Menuiserie",
        "menuiserie, bois, portes, fenêtres",
    ),
    (
        "serrurerie",
        "Serrurerie et métallerie",
        "44316500",
        (10, 150),
        "Métallerie",
        "serrurerie, métallerie, portails",
    ),
    (
        "maconnerie",
        "Petits travaux de maçonnerie",
        "45262500",
        (20, 400),
        "Bâtiment",
        "maçonnerie, gros œuvre, réhabilitation",
    ),
    (
        "restauration",
        "Fourniture de repas pour la restauration scolaire",
        "55523100",
        (100, 2000),
        "Cuisine",
        "restauration collective, repas, bio, circuit court",
    ),
    (
        "traiteur",
        "Prestations de traiteur pour les événements",
        "55520000",
        (10, 120),
        "Traiteur",
        "traiteur, buffet, cocktail, cuisine du monde",
    ),
    (
        "impression",
        "Impression de documents de communication",
        "79800000",
        (10, 200),
        "Imprimerie",
        "impression, reprographie, papier recyclé",
    ),
    (
        "evenementiel",
        "Organisation d'événements",
        "79952000",
        (15, 250),
        "Événements",
        "événementiel, scénographie, sonorisation",
    ),
    (
        "formation",
        "Formation professionnelle des agents",
        "80500000",
        (10, 150),
        "Formation",
        "formation, ateliers, accompagnement",
    ),
    (
        "dechets",
        "Collecte et valorisation des encombrants",
        "90511000",
        (50, 800),
        "Recyclage",
        "déchets, recyclage, réemploi, encombrants",
    ),
    (
        "gardiennage",
        "Gardiennage et sécurité des sites",
        "79713000",
        (40, 600),
        "Sécurité",
        "gardiennage, sécurité, surveillance",
    ),
    (
        "informatique",
        "Maintenance du parc informatique",
        "72250000",
        (20, 400),
        "Informatique",
        "informatique, maintenance, logiciels, infogérance",
    ),
    (
        "mobilier",
        "Fourniture de mobilier de bureau",
        "39100000",
        (10, 200),
        "Mobilier",
        "mobilier, ébénisterie, réemploi",
    ),
    (
        "vetements",
        "Vêtements de travail et équipements de protection",
        "18100000",
        (10, 120),
        "Textile",
        "textile, vêtements de travail, couture",
    ),
    (
        "demenagement",
        "Déménagement et manutention",
        "98392000",
        (10, 150),
        "Déménagement",
        "déménagement, manutention, transport",
    ),
    (
        "blanchisserie",
        "Blanchisserie et entretien du linge",
        "98310000",
        (20, 300),
        "Blanchisserie",
        "blanchisserie, linge, pressing",
    ),
    (
        "vehicules",
        "Entretien et réparation des véhicules",
        "50110000",
        (20, 250),
        "Garage",
        "mécanique, garage, réparation automobile",
    ),
    (
        "nuisibles",
        "Désinsectisation et dératisation",
        "90922000",
        (5, 80),
        "Hygiène",
        "dératisation, désinsectisation, hygiène",
    ),
    (
        "voirie",
        "Travaux de voirie et réfection de trottoirs",
        "45233140",
        (80, 1500),
        "Travaux publics",
        "voirie, enrobés, trottoirs, VRD",
    ),
    (
        "signaletique",
        "Signalétique des équipements publics",
        "34928470",
        (10, 150),
        "Signalétique",
        "signalétique, panneaux, marquage",
    ),
    (
        "jeux",
        "Fourniture et pose d'aires de jeux",
        "37535200",
        (20, 300),
        "Aires de jeux",
        "aires de jeux, équipements sportifs",
    ),
    (
        "energie",
        "Audits énergétiques des bâtiments",
        "71314300",
        (15, 200),
        "Énergie",
        "audit énergétique, thermique, rénovation",
    ),
    (
        "traduction",
        "Interprétariat et traduction",
        "79530000",
        (5, 60),
        "Traduction",
        "traduction, interprétariat, langues",
    ),
    (
        "transport",
        "Transport de personnes (sorties scolaires)",
        "60130000",
        (20, 300),
        "Transports",
        "transport, autocar, minibus",
    ),
    (
        "architecture",
        "Maîtrise d'œuvre et études d'architecture",
        "71221000",
        (30, 600),
        "Architecture",
        "architecture, maîtrise d'œuvre, études",
    ),
    (
        "sport",
        "Animations sportives et culturelles",
        "92600000",
        (5, 100),
        "Culture & Sport",
        "animation, culture, sport, ateliers",
    ),
    (
        "fournitures",
        "Fournitures de bureau et papeterie",
        "30192000",
        (10, 150),
        "Papeterie",
        "fournitures, papeterie, bureau",
    ),
    (
        "entretien_produits",
        "Produits d'entretien écologiques",
        "39830000",
        (5, 100),
        "Produits d'entretien",
        "produits d'entretien, écolabel",
    ),
    (
        "communication",
        "Conception graphique et communication",
        "79822500",
        (10, 120),
        "Graphisme",
        "graphisme, communication, création",
    ),
]
ACTIVITY_KEYS = [a[0] for a in ACTIVITIES]
ACTIVITY_BY_KEY = {a[0]: a for a in ACTIVITIES}


def make_siret(rng: random.Random, prefix: str = "") -> str:
    """A random SIRET with a valid Luhn key (SIREN and SIRET both check)."""
    siren_body = prefix or "".join(rng.choice("0123456789") for _ in range(8))
    siren = siren_body[:8] + luhn.calc_check_digit(siren_body[:8])
    nic = "0" + "".join(rng.choice("0123456789") for _ in range(3))
    return siren + nic + luhn.calc_check_digit(siren + nic)


def seed_cpv() -> int:
    with CPV_DEMO_FILE.open(encoding="utf-8") as handle:
        rows = [(r["code"], r["libelle_fr"]) for r in csv.DictReader(handle)]
    return cpv_load_rows(rows=rows)


@transaction.atomic
def seed_buyers(*, edition: Edition, rng: random.Random) -> list[BuyerOrganisation]:
    """Buyer organisations, their participation and ~10 planned contracts each."""
    procedures = [
        Procedure.MAPA_SMALL,
        Procedure.MAPA,
        Procedure.MAPA,
        Procedure.OPEN,
        Procedure.FRAMEWORK,
    ]
    cpv = {c.code: c for c in CpvCode.objects.all()}
    organisations = []
    for index, (name, short, kind, city) in enumerate(ORGANISATIONS):
        org, _created = BuyerOrganisation.objects.get_or_create(
            name=name,
            defaults={
                "short_name": short,
                "kind": kind,
                "city": city,
                "siret": make_siret(rng),
                "description": "",
            },
        )
        organisations.append(org)
        # Every fifth buyer leaves before the end of the morning: availability over the slots.
        slot_count = edition.slot_count
        available = list(range(slot_count - 2)) if index % 5 == 4 else []
        BuyerParticipation.objects.get_or_create(
            edition=edition,
            organisation=org,
            defaults={
                "max_meetings": min(
                    (9 if index % 3 else 8),
                    len(available) or slot_count,
                    edition.max_meetings_per_buyer,
                ),
                "available_slots": available,
                "table": f"Table {index + 1}",
                "attendees": "Responsable de la commande publique, acheteur·se",
            },
        )
        keys = rng.sample(ACTIVITY_KEYS, 10)
        for number, key in enumerate(keys, start=1):
            _key, title, code, (low, high), _w, _kw = ACTIVITY_BY_KEY[key]
            amount = Decimal(rng.randrange(low, high + 1) * 1000)
            procedure = Procedure.MAPA_SMALL if amount < 40000 else rng.choice(procedures[1:])
            reservation = Reservation.NONE
            if (
                key in ("nettoyage", "espaces_verts", "blanchisserie", "dechets")
                and rng.random() < 0.3
            ):
                reservation = rng.choice([Reservation.SIAE, Reservation.EA_ESAT])
            contract, created = PlannedContract.objects.get_or_create(
                organisation=org,
                year=edition.year,
                reference=f"{edition.year}-{number:03d}",
                defaults={
                    "title": title,
                    "cpv_main": cpv[code],
                    "estimated_amount": amount,
                    "description": f"{title} pour les besoins de {short}.",
                    "publication_quarter": rng.randint(1, 4),
                    "duration_months": rng.choice([12, 24, 36, 48]),
                    "procedure": procedure,
                    "reservation": reservation,
                    "social_clause": amount >= 90000 and rng.random() < 0.6,
                    "insertion_hours": int(amount / 1000 * 3) if amount >= 90000 else None,
                    "environmental_consideration": rng.random() < 0.45,
                    "innovation": rng.random() < 0.05,
                    "renewal": rng.random() < 0.5,
                    "contact_name": "Service de la commande publique",
                    "visibility": Visibility.PUBLISHED if rng.random() < 0.93 else Visibility.STAFF,
                    "status": ContractStatus.PUBLISHED,
                },
            )
            if created and amount >= 200000 and number % 2 == 0:
                half = (amount / 2).quantize(Decimal("1"))
                PlannedContractLot.objects.bulk_create(
                    [
                        PlannedContractLot(
                            contract=contract,
                            number=1,
                            title=f"{title} — secteur nord",
                            cpv=cpv[code],
                            estimated_amount=half,
                        ),
                        PlannedContractLot(
                            contract=contract,
                            number=2,
                            title=f"{title} — secteur sud",
                            cpv=cpv[code],
                            estimated_amount=amount - half,
                        ),
                    ]
                )
    return organisations


def demo_seed(*, edition: Edition, rng: random.Random) -> list:
    """Part of ``seed_demo``: CPV codes, buyers and their forecasts, the buyer login and one
    contact per other organisation (no password: they would be invited)."""
    from django.utils.text import slugify

    from ellipse.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_user
    from ellipse.accounts.roles import Role

    from .models import BuyerMembership

    seed_cpv()
    seed_buyers(edition=edition, rng=rng)
    buyer = demo_user(email="acheteur@ellipse.demo", first="Samia", last="Haddad", role=Role.BUYER)
    BuyerMembership.objects.get_or_create(
        user=buyer, defaults={"organisation": BuyerOrganisation.objects.get(name="Est Ensemble")}
    )
    for organisation in BuyerOrganisation.objects.filter(memberships__isnull=True):
        email = f"contact-{slugify(organisation.short_name or organisation.name)}@acheteurs.demo"
        user = demo_user(
            email=email,
            first="Contact",
            last=organisation.short_name,
            role=Role.BUYER,
            with_password=False,
        )
        BuyerMembership.objects.get_or_create(user=user, defaults={"organisation": organisation})
    return [
        DemoLogin(Role.BUYER.label, "acheteur@ellipse.demo", DEMO_PASSWORD, "/acheteurs/espace/")
    ]
