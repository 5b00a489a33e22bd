"""Geliat: reviving koperasi & UMKM after a disaster, on data a regency can trust."""
