"""French names of the awards' default categories and checklist items (staff give French names to their own)."""

CATEGORY_NAMES_FR = {
    "Omni-Channel": "Omnicanal",
    "Website (Self-Service)": "Site web (libre-service)",
    "IVR (Self-Service)": "SVI (libre-service)",
    "Email Channel": "Canal courriel",
    "Emerging Channels": "Canaux émergents",
    "Quality Assurance Program": "Programme d'assurance qualité",
    "Desktop Application(s)": "Application(s) de poste de travail",
    "Recognition Program": "Programme de reconnaissance",
    "Career Development": "Développement de carrière",
    "Call Handling Practice": "Pratique de traitement des appels",
    "Escalation CSR Support": "Soutien aux agents pour les escalades",
    "Performance Management System": "Système de gestion de la performance",
    "CSR Coaching": "Coaching des agents",
    "CSR Training Program": "Programme de formation des agents",
    "CSR Selection Process": "Processus de sélection des agents",
    "Standard Operating Procedures": "Procédures opérationnelles normalisées",
    "Continuous Improvement Process": "Processus d'amélioration continue",
}

CHECKLIST_TEXTS_FR = {
    "The practice is in place in our contact center today (a pilot with pre- and post-pilot data counts).": (
        "La pratique est en place dans notre centre de contact aujourd'hui (un projet pilote avec des données "
        "avant et après le pilote compte)."
    ),
    "We have data showing that the practice improved or sustained FCR, contact resolution, Csat or Esat.": (
        "Nous avons des données montrant que la pratique a amélioré ou maintenu le RPA, la résolution des contacts, "
        "la satisfaction client ou la satisfaction des employés."
    ),
    "We will continue to use the practice.": "Nous continuerons d'utiliser la pratique.",
    "The practice could be adopted by other contact centers.": (
        "La pratique pourrait être adoptée par d'autres centres de contact."
    ),
}


def cycle_name_fr(year: int) -> str:
    return f"Prix des meilleures pratiques CX {year}-{year + 1}"
