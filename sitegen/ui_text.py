"""The fixed wording of a catalog site, per language.

Templates read these through ``t``; a language without its own table falls
back to English, key by key.
"""

from __future__ import annotations

_ENGLISH = {
    "home": "Home",
    "skip": "Skip to content",
    "categories": "Categories",
    "subcategories": "Subcategories",
    "products": "Products",
    "all_products": "All products",
    "no_products": "No products in this category yet.",
    "page": "Page",
    "of": "of",
    "previous": "Previous",
    "next": "Next",
    "price": "Price",
    "specifications": "Specifications",
    "description": "Description",
    "sku": "SKU",
    "brand": "Brand",
    "gtin": "GTIN",
    "availability": "Availability",
    "InStock": "In stock",
    "OutOfStock": "Out of stock",
    "PreOrder": "Pre-order",
    "BackOrder": "On back order",
    "Discontinued": "Discontinued",
    "LimitedAvailability": "Limited availability",
    "quote_title": "Request a quote",
    "quote_intro": "Tell us what you need and we will get back to you.",
    "name": "Name",
    "email": "Email",
    "company": "Company",
    "message": "Message",
    "quantity": "Quantity",
    "website": "Leave this field empty",
    "send": "Send request",
    "thanks_title": "Thank you",
    "thanks_body": "Your request has been sent. We will reply shortly.",
    "back_home": "Back to the catalog",
    "not_found_title": "Page not found",
    "not_found_body": "The page you are looking for does not exist or has moved.",
    "choose_language": "Choose your language",
    "language": "Language",
    "breadcrumbs": "Breadcrumbs",
    "quote_error_title": "Your request was not sent",
    "quote_error_intro": "Please correct the following, then send it again.",
    "quote_error_name": "Enter your name.",
    "quote_error_email": "Enter an email address, like name@example.com.",
    "quote_error_quantity": "Enter a whole number from 1 to {max}.",
    "quote_error_total": "Together your quantities of {product} come to more "
    "than {max}; ask for {max} at most.",
    "quote_error_too_long": "Shorten this to {limit} characters at most.",
    "quote_error_character": "This contains a character that cannot be sent; "
    "please check it.",
    "quote_error_unreadable": "We could not read what was sent here; "
    "please type it again.",
    "quote_error_product": "{product} is no longer available for quotes.",
    "quote_error_no_product": "Choose a product to ask a quote for.",
    "quote_error_too_many": "Ask for {items} products at most in one request.",
    "quote_error_other": "Please check this.",
    "quote_error_unreadable_body": "We could not read your request. "
    "Please go back to the catalog and send it again.",
    "quote_error_too_large": "Your request is too long. "
    "Please shorten your message and send it again.",
    "quote_back": "Back to the product",
    "digit_group": ",",
}

_FRENCH = {
    "home": "Accueil",
    "skip": "Aller au contenu",
    "categories": "Catégories",
    "subcategories": "Sous-catégories",
    "products": "Produits",
    "all_products": "Tous les produits",
    "no_products": "Aucun produit dans cette catégorie pour le moment.",
    "page": "Page",
    "of": "sur",
    "previous": "Précédent",
    "next": "Suivant",
    "price": "Prix",
    "specifications": "Caractéristiques",
    "description": "Description",
    "sku": "Référence",
    "brand": "Marque",
    "gtin": "GTIN",
    "availability": "Disponibilité",
    "InStock": "En stock",
    "OutOfStock": "En rupture de stock",
    "PreOrder": "En précommande",
    "BackOrder": "En réapprovisionnement",
    "Discontinued": "Arrêté",
    "LimitedAvailability": "Disponibilité limitée",
    "quote_title": "Demander un devis",
    "quote_intro": "Décrivez votre besoin, nous vous répondrons rapidement.",
    "name": "Nom",
    "email": "E-mail",
    "company": "Société",
    "message": "Message",
    "quantity": "Quantité",
    "website": "Laissez ce champ vide",
    "send": "Envoyer la demande",
    "thanks_title": "Merci",
    "thanks_body": "Votre demande a bien été envoyée. Nous vous répondrons sous peu.",
    "back_home": "Retour au catalogue",
    "not_found_title": "Page introuvable",
    "not_found_body": "La page demandée n'existe pas ou a été déplacée.",
    "choose_language": "Choisissez votre langue",
    "language": "Langue",
    "breadcrumbs": "Fil d'Ariane",
    "quote_error_title": "Votre demande n'a pas été envoyée",
    "quote_error_intro": "Veuillez corriger les points suivants, "
    "puis renvoyer votre demande.",
    "quote_error_name": "Indiquez votre nom.",
    "quote_error_email": "Indiquez une adresse e-mail, par exemple nom@exemple.fr.",
    "quote_error_quantity": "Indiquez un nombre entier de 1 à {max}.",
    "quote_error_total": "Vos quantités de {product} dépassent {max} au total ; "
    "demandez-en {max} au plus.",
    "quote_error_too_long": "Raccourcissez ce texte à {limit} caractères au plus.",
    "quote_error_character": "Ce champ contient un caractère qui ne peut pas "
    "être envoyé ; vérifiez-le.",
    "quote_error_unreadable": "Nous n'avons pas pu lire ce qui a été envoyé ici ; "
    "saisissez-le à nouveau.",
    "quote_error_product": "{product} n'est plus disponible sur devis.",
    "quote_error_no_product": "Choisissez un produit pour votre demande de devis.",
    "quote_error_too_many": "Demandez au plus {items} produits par demande.",
    "quote_error_other": "Vérifiez ce point.",
    "quote_error_unreadable_body": "Nous n'avons pas pu lire votre demande. "
    "Revenez au catalogue et renvoyez-la.",
    "quote_error_too_large": "Votre demande est trop longue. "
    "Raccourcissez votre message et renvoyez-la.",
    "quote_back": "Retour au produit",
    "digit_group": "\u202f",
}

_GERMAN = {
    "home": "Startseite",
    "skip": "Zum Inhalt springen",
    "categories": "Kategorien",
    "subcategories": "Unterkategorien",
    "products": "Produkte",
    "all_products": "Alle Produkte",
    "no_products": "In dieser Kategorie gibt es noch keine Produkte.",
    "page": "Seite",
    "of": "von",
    "previous": "Zurück",
    "next": "Weiter",
    "price": "Preis",
    "specifications": "Technische Daten",
    "description": "Beschreibung",
    "sku": "Artikelnummer",
    "brand": "Marke",
    "gtin": "GTIN",
    "availability": "Verfügbarkeit",
    "InStock": "Auf Lager",
    "OutOfStock": "Nicht auf Lager",
    "PreOrder": "Vorbestellbar",
    "BackOrder": "Nachbestellt",
    "Discontinued": "Nicht mehr erhältlich",
    "LimitedAvailability": "Begrenzt verfügbar",
    "quote_title": "Angebot anfordern",
    "quote_intro": "Sagen Sie uns, was Sie brauchen, und wir melden uns bei Ihnen.",
    "name": "Name",
    "email": "E-Mail",
    "company": "Firma",
    "message": "Nachricht",
    "quantity": "Menge",
    "website": "Dieses Feld bitte leer lassen",
    "send": "Anfrage senden",
    "thanks_title": "Vielen Dank",
    "thanks_body": "Ihre Anfrage wurde gesendet. Wir antworten Ihnen in Kürze.",
    "back_home": "Zurück zum Katalog",
    "not_found_title": "Seite nicht gefunden",
    "not_found_body": "Die gesuchte Seite gibt es nicht oder sie wurde verschoben.",
    "choose_language": "Wählen Sie Ihre Sprache",
    "language": "Sprache",
    "breadcrumbs": "Brotkrümelnavigation",
    "quote_error_title": "Ihre Anfrage wurde nicht gesendet",
    "quote_error_intro": "Bitte korrigieren Sie Folgendes und senden Sie die "
    "Anfrage erneut.",
    "quote_error_name": "Geben Sie Ihren Namen ein.",
    "quote_error_email": "Geben Sie eine E-Mail-Adresse ein, etwa name@beispiel.de.",
    "quote_error_quantity": "Geben Sie eine ganze Zahl von 1 bis {max} ein.",
    "quote_error_total": "Ihre Mengen von {product} ergeben zusammen mehr als "
    "{max}; fragen Sie höchstens {max} an.",
    "quote_error_too_long": "Kürzen Sie dies auf höchstens {limit} Zeichen.",
    "quote_error_character": "Dies enthält ein Zeichen, das nicht gesendet werden "
    "kann; bitte prüfen Sie es.",
    "quote_error_unreadable": "Was hier gesendet wurde, konnten wir nicht lesen; "
    "bitte geben Sie es erneut ein.",
    "quote_error_product": "Für {product} können keine Angebote mehr angefragt werden.",
    "quote_error_no_product": "Wählen Sie ein Produkt, für das Sie ein Angebot "
    "möchten.",
    "quote_error_too_many": "Fragen Sie höchstens {items} Produkte in einer "
    "Anfrage an.",
    "quote_error_other": "Bitte prüfen Sie dies.",
    "quote_error_unreadable_body": "Wir konnten Ihre Anfrage nicht lesen. "
    "Bitte kehren Sie zum Katalog zurück und senden Sie sie erneut.",
    "quote_error_too_large": "Ihre Anfrage ist zu lang. "
    "Bitte kürzen Sie Ihre Nachricht und senden Sie sie erneut.",
    "quote_back": "Zurück zum Produkt",
    "digit_group": ".",
}

TABLES = {"en": _ENGLISH, "fr": _FRENCH, "de": _GERMAN}

_LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "de": "Deutsch",
    "es": "Español",
    "it": "Italiano",
    "nl": "Nederlands",
    "pt": "Português",
}


def ui_text(locale: str) -> dict[str, str]:
    """The wording for ``locale`` (e.g. ``"fr_CA"`` uses the French table)."""
    table = TABLES.get(locale.split("_")[0].lower())
    if table is None or table is _ENGLISH:
        return dict(_ENGLISH)
    return {**_ENGLISH, **table}


def language_label(locale: str) -> str:
    """How a locale names itself in a language switcher: ``"Français (CA)"``."""
    language, _, region = locale.partition("_")
    name = _LANGUAGE_NAMES.get(language.lower(), language)
    return f"{name} ({region.upper()})" if region else name
