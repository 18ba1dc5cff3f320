from django.core.management.base import BaseCommand

from ellipse.demo import seed_demo


class Command(BaseCommand):
    help = "Crée le jeu de démonstration (sans doublon si on le relance) et affiche les comptes."

    def handle(self, *args, **options) -> None:
        logins = seed_demo()
        self.stdout.write(self.style.SUCCESS("Jeu de démonstration prêt. Comptes :"))
        for login in logins:
            self.stdout.write(
                f"  {login.role:<16} {login.email:<26} mot de passe : {login.password}"
                f"  → {login.lands_on}"
            )
