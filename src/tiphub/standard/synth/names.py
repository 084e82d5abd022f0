"""Multi-locale names for the synthetic country, and the ways agencies spell them differently.

Names come from Faker's locale providers (Romanian, Ukrainian, Vietnamese, Filipino given names,
Nigerian, Brazilian Portuguese, Spanish). Faker has no Latin-script Thai names, its Albanian locale
has no person provider and its Filipino family names are English, so short lists of common Thai
(RTGS romanisation), Albanian and Filipino family names are kept here. These are common names,
not data about anyone.

What linkage has to cope with is modelled by `spelling_variant`: transliteration schemes for
Cyrillic (Oleksandr / Olexandr / Aleksandr), dropped diacritics (Nguyễn / Nguyen, Ștefan /
Stefan), Romanian cedilla forms (ş for ș), loose Thai romanisation (Boonmee / Bunmi) and Albanian
digraphs typed without their letters (Çela / Cela, Xhafa / Jafa).
"""

import random
import unicodedata
from dataclasses import dataclass
from functools import cache

from faker import Faker

POOL_SIZE = 400


@dataclass(frozen=True)
class NamePool:
    """Given names by sex and family names by sex for one naming culture."""

    culture: str
    given_female: tuple[str, ...]
    given_male: tuple[str, ...]
    family_female: tuple[str, ...]
    family_male: tuple[str, ...]


# Which naming culture each citizenship uses (Moldova shares Romanian names).
CULTURE_OF_COUNTRY = {
    "ROU": "romanian",
    "MDA": "romanian",
    "UKR": "ukrainian",
    "VNM": "vietnamese",
    "THA": "thai",
    "PHL": "filipino",
    "NGA": "nigerian",
    "ALB": "albanian",
    "BRA": "brazilian",
    "COL": "spanish",
    "PRY": "spanish",
    "VEN": "spanish",
}

FAKER_LOCALES = {
    "romanian": ("ro_RO",),
    "ukrainian": ("uk_UA",),
    "vietnamese": ("vi_VN",),
    "filipino": ("fil_PH",),
    "nigerian": ("en_NG", "yo_NG", "ig_NG"),
    "brazilian": ("pt_BR",),
    "spanish": ("es_CO", "es_MX"),
}

THAI_GIVEN_FEMALE = (
    "Siriporn", "Malee", "Somsri", "Ratana", "Kanya", "Supaporn", "Wanida", "Nattaya",
    "Pornthip", "Sukanya", "Arunee", "Jintana", "Lamai", "Pensri", "Duangjai", "Kannika",
    "Nongluck", "Orathai", "Pimchanok", "Rattana", "Saowanee", "Thidarat", "Waraporn", "Yupin",
)  # fmt: skip
THAI_GIVEN_MALE = (
    "Somchai", "Somsak", "Sompong", "Sombat", "Anan", "Prasert", "Wichai", "Chaiyaporn",
    "Kittisak", "Nattapong", "Boonchu", "Chatchai", "Decha", "Kriangsak", "Manop", "Narong",
    "Pichit", "Sakchai", "Surasak", "Thaksin", "Udom", "Winai", "Yuthana", "Thanawat",
)  # fmt: skip
THAI_FAMILY = (
    "Saetang", "Srisuk", "Chaiyasit", "Wongsawat", "Kaewkla", "Boonmee", "Charoenkul",
    "Thongdee", "Sukjai", "Rattanakorn", "Phromma", "Inthasorn", "Kongsuk", "Srisawat",
    "Chantarasri", "Phongphan", "Saelim", "Boonyarat", "Thammasat", "Phetchara", "Sirisombat",
)  # fmt: skip
# Faker's Filipino locale gives English-language family names; most Filipino family names are
# Spanish-derived or Tagalog, so a list of common ones replaces them.
FILIPINO_FAMILY = (
    "Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Torres", "Tomas",
    "Andrada", "Castillo", "Flores", "Villanueva", "Ramos", "Castro", "Rivera", "Aquino",
    "Navarro", "Salazar", "Mercado", "Dela Cruz", "De Leon", "Manalo", "Dizon", "Pascual",
    "Soriano", "Santiago", "Aguilar", "Tolentino", "Macaraeg", "Dimaculangan", "Magbanua",
)  # fmt: skip
ALBANIAN_GIVEN_FEMALE = (
    "Arta", "Blerta", "Elona", "Entela", "Ermira", "Flutura", "Jonida", "Klea", "Lindita",
    "Mirela", "Valbona", "Xhesika", "Anila", "Brikena", "Dorina", "Etleva", "Fjolla", "Greta",
    "Irena", "Lule", "Manjola", "Rezarta", "Teuta", "Vjollca",
)  # fmt: skip
ALBANIAN_GIVEN_MALE = (
    "Arben", "Besnik", "Dritan", "Edmond", "Ervin", "Fatmir", "Gentian", "Ilir", "Kujtim",
    "Leutrim", "Agron", "Bashkim", "Dardan", "Endrit", "Florian", "Genc", "Hysen", "Klodian",
    "Luan", "Mentor", "Petrit", "Shpëtim", "Valon", "Xhevdet",
)  # fmt: skip
ALBANIAN_FAMILY = (
    "Hoxha", "Shehu", "Leka", "Gashi", "Krasniqi", "Berisha", "Kola", "Dervishi", "Hysa",
    "Marku", "Meta", "Çela", "Xhafa", "Lika", "Prifti", "Rama", "Bushati", "Dushku", "Gjoka",
    "Hasani", "Kryeziu", "Mehmeti", "Përmeti", "Zeqiri",
)  # fmt: skip

# Ukrainian national transliteration (Cabinet of Ministers resolution 55, 2010): the passport form.
UKRAINIAN_NATIONAL = {
    "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
    "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
    "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "ʼ": "", "'": "",
}  # fmt: skip
# Word-initial forms of the national system.
UKRAINIAN_INITIAL = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}
# A looser, "English" spelling (x for кс, y-glides, h for х) seen in NGO and police records.
UKRAINIAN_LOOSE = {
    **UKRAINIAN_NATIONAL,
    "х": "h",
    "є": "ye",
    "ї": "yi",
    "ю": "yu",
    "я": "ya",
    "й": "y",
}
# Russian-style spelling of the same letters (г -> g, и -> i), used by some agencies' staff.
UKRAINIAN_RUSSIAN_STYLE = {**UKRAINIAN_NATIONAL, "г": "g", "и": "i", "і": "i", "ї": "yi", "є": "e"}
# Russian forms of common Ukrainian given names (Олександр -> Aleksandr).
RUSSIAN_FORMS = {
    "Олександр": "Aleksandr", "Олексій": "Aleksei", "Михайло": "Mikhail", "Андрій": "Andrei",
    "Дмитро": "Dmitrii", "Сергій": "Sergei", "Микола": "Nikolai", "Володимир": "Vladimir",
    "Юрій": "Yurii", "Олена": "Elena", "Наталія": "Natalia", "Ольга": "Olga", "Юлія": "Yulia",
    "Тетяна": "Tatiana", "Ірина": "Irina", "Марія": "Maria", "Анна": "Anna", "Віктор": "Viktor",
    "Василь": "Vasilii", "Петро": "Petr", "Григорій": "Grigorii", "Євген": "Evgenii",
}  # fmt: skip

THAI_LOOSE = (("oo", "u"), ("ee", "i"), ("ph", "p"), ("th", "t"), ("ch", "j"))
ALBANIAN_LOOSE = (("ç", "c"), ("Ç", "C"), ("ë", "e"), ("Xh", "J"), ("xh", "j"))


def transliterate_ukrainian(cyrillic: str, scheme: str = "national") -> str:
    """Latin spelling of a Ukrainian name under one of three common schemes."""
    if scheme == "russian" and cyrillic in RUSSIAN_FORMS:
        return RUSSIAN_FORMS[cyrillic]
    table = {
        "national": UKRAINIAN_NATIONAL,
        "loose": UKRAINIAN_LOOSE,
        "russian": UKRAINIAN_RUSSIAN_STYLE,
    }[scheme]
    out = []
    for index, char in enumerate(cyrillic.lower()):
        latin = UKRAINIAN_INITIAL.get(char) if index == 0 and scheme == "national" else None
        out.append(latin if latin is not None else table.get(char, char))
    text = "".join(out)
    if scheme == "loose":
        text = text.replace("ks", "x")
    return text[:1].upper() + text[1:]


def strip_diacritics(text: str) -> str:
    """Nguyễn -> Nguyen, Ștefan -> Stefan, Đặng -> Dang (as typed on a keyboard without them)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def spelling_variant(name: str, culture: str, scheme: str, rng: random.Random) -> str:
    """How an agency writes `name` (the culture's canonical form) under its spelling habit.

    `scheme` is "canonical", "ascii" (no diacritics) or "loose" (another romanisation).
    Ukrainian names are stored in Cyrillic and always transliterated here.
    """
    if culture == "ukrainian":
        choice = {"canonical": "national", "ascii": "national", "loose": "loose"}[scheme]
        if scheme == "loose" and rng.random() < 0.5:
            choice = "russian"
        return transliterate_ukrainian(name, choice)
    if scheme == "canonical":
        return name
    if scheme == "ascii":
        return strip_diacritics(name)
    if culture == "romanian":
        return name.replace("ș", "ş").replace("ț", "ţ").replace("Ș", "Ş").replace("Ț", "Ţ")
    if culture == "thai":
        for old, new in THAI_LOOSE:
            if old in name.lower() and rng.random() < 0.5:
                name = name.replace(old, new).replace(old.capitalize(), new.capitalize())
        return name
    if culture == "albanian":
        for old, new in ALBANIAN_LOOSE:
            name = name.replace(old, new)
        return name
    return strip_diacritics(name)


@cache
def name_pool(culture: str, seed: int) -> NamePool:
    """A deterministic pool of names for a culture (Faker seeded with `seed`)."""
    if culture == "thai":
        return NamePool(culture, THAI_GIVEN_FEMALE, THAI_GIVEN_MALE, THAI_FAMILY, THAI_FAMILY)
    if culture == "albanian":
        return NamePool(
            culture, ALBANIAN_GIVEN_FEMALE, ALBANIAN_GIVEN_MALE, ALBANIAN_FAMILY, ALBANIAN_FAMILY
        )
    fakers = []
    for offset, locale in enumerate(FAKER_LOCALES[culture]):
        fake = Faker(locale)
        fake.seed_instance(seed * 1009 + offset)
        fakers.append(fake)

    def draw(method: str) -> tuple[str, ...]:
        return tuple(getattr(fakers[i % len(fakers)], method)() for i in range(POOL_SIZE))

    gendered_family = culture in ("ukrainian", "romanian")
    family_female: tuple[str, ...]
    family_male: tuple[str, ...]
    if culture == "filipino":
        family_female = family_male = FILIPINO_FAMILY
    else:
        family_female = draw("last_name_female" if gendered_family else "last_name")
        family_male = draw("last_name_male" if gendered_family else "last_name")
    return NamePool(
        culture=culture,
        given_female=draw("first_name_female"),
        given_male=draw("first_name_male"),
        family_female=family_female,
        family_male=family_male,
    )
