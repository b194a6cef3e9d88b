"""Where the encryption keys come from: LIF_ENCRYPTION_KEY, or a development key file."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from bot.settings import Settings, SettingsError
from bot.storage.crypto import KEY_VARIABLE, Cipher, EncryptionKeyError, generate_key

logger = logging.getLogger(__name__)

DEV_KEY_FILE = "encryption.key"


def load_cipher(settings: Settings) -> Cipher:
    """The cipher for this process; in development without a key, the data directory's own."""
    try:
        if settings.encryption_key is not None and settings.encryption_key.get_secret_value():
            return Cipher.from_setting(settings.encryption_key.get_secret_value())
        if settings.environment == "production":
            raise SettingsError(
                f"{KEY_VARIABLE} is not set. In production every reflection is encrypted with "
                "it: generate a key with `lif-coach keys generate`, keep it in your secret "
                f"store and set {KEY_VARIABLE} to it (and keep a backup: without it the stored "
                "reflections cannot be read)."
            )
        return Cipher.from_setting(development_key(settings.data_dir))
    except EncryptionKeyError as error:
        raise SettingsError(str(error)) from error


def development_key(data_dir: Path) -> str:
    """The key kept in the data directory (mode 0600), made and announced on first use."""
    path = data_dir / DEV_KEY_FILE
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = generate_key()
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(descriptor, "w", encoding="ascii") as file:
        file.write(key + "\n")
    logger.warning(
        "No %s is set, so a development encryption key was made and kept in %s (readable by "
        "you only). Keep that file: the reflections stored here cannot be read without it. "
        "In production set %s instead.",
        KEY_VARIABLE,
        path,
        KEY_VARIABLE,
    )
    return key
