from django import template

from geliat.core.masking import mask_nik, mask_phone

register = template.Library()
register.filter("nik_mask", mask_nik)
register.filter("phone_mask", mask_phone)
