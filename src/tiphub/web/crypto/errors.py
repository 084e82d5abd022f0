"""Errors of the field-encryption layer: plain words, never a key or a plaintext in the message."""


class CryptoError(Exception):
    """Base class: something about keys or ciphertexts is wrong; the message says what to do."""


class KeyFileError(CryptoError):
    """The key file is missing, unreadable, malformed, or does not match the database."""


class DecryptionError(CryptoError):
    """A ciphertext could not be decrypted: unknown key id, wrong key, or altered/moved data."""
