"""Masking of personal data (UU 27/2022 PDP) for viewers whose role does not need it."""


def mask_nik(nik: str) -> str:
    """Keep the region prefix and the last 4 digits: ``3514016508900001`` → ``351401******0001``."""
    if not nik:
        return ""
    if len(nik) < 10:
        return "*" * len(nik)
    return nik[:6] + "*" * (len(nik) - 10) + nik[-4:]


def mask_phone(phone: str) -> str:
    """Keep the country/operator prefix and the last 3 digits: ``+6281234567890`` → ``+62812*****890``."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:6] + "*" * (len(phone) - 9) + phone[-3:]
