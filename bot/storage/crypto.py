"""Encryption at rest of what people write, with Fernet keys from LIF_ENCRYPTION_KEY.

How the cipher reaches the column type, without a module global: a SQLAlchemy dialect object
is created anew by every `create_engine`, and `TypeDecorator.process_bind_param` /
`process_result_value` are handed that dialect. `bind_cipher(engine, cipher)` (called by
`make_engine`, so by the composition root) hangs the cipher on the engine's own dialect, and
`EncryptedText` takes it from there. Two engines may hold different keys in one process (as the
rotation tests do); an engine without a cipher refuses to read or write personal text rather
than store it in the clear. Alembic migrations run on the caller's engine, so they see the same
cipher through `op.get_bind().dialect`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Column, Connection, Dialect, Engine, MetaData, Table, Text, select, update
from sqlalchemy.types import TypeDecorator

KEY_VARIABLE = "LIF_ENCRYPTION_KEY"
_DIALECT_ATTRIBUTE = "lif_cipher"


class EncryptionKeyError(Exception):
    """The encryption key is missing, malformed or not the one the data was written with."""


class Cipher:
    """Fernet keys, newest first: the first encrypts, every one decrypts."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise EncryptionKeyError(f"{KEY_VARIABLE} holds no key")
        self.key_count = len(keys)
        self._fernet = MultiFernet([_fernet(key, index) for index, key in enumerate(keys)])

    @classmethod
    def from_setting(cls, value: str) -> Cipher:
        """Keys as LIF_ENCRYPTION_KEY holds them: comma-separated, newest first."""
        return cls([part.strip() for part in value.split(",") if part.strip()])

    def encrypt(self, text: str) -> str:
        """A Fernet token of the text, with the newest key."""
        return self._fernet.encrypt(text.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        """The text of a token written with any of the keys."""
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except (InvalidToken, UnicodeEncodeError) as error:
            raise EncryptionKeyError(_cannot_decrypt()) from error

    def rotate(self, token: str) -> str:
        """The same text, re-encrypted with the newest key."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except (InvalidToken, UnicodeEncodeError) as error:
            raise EncryptionKeyError(_cannot_decrypt()) from error


def generate_key() -> str:
    """A fresh Fernet key (URL-safe base64 of 32 random bytes)."""
    return Fernet.generate_key().decode("ascii")


def _fernet(key: str, index: int) -> Fernet:
    try:
        return Fernet(key.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as error:
        raise EncryptionKeyError(
            f"{KEY_VARIABLE}: key {index + 1} is not a Fernet key (44 characters of URL-safe "
            "base64). Generate one with `lif-coach keys generate`."
        ) from error


def _cannot_decrypt() -> str:
    return (
        f"Stored text cannot be decrypted with {KEY_VARIABLE}. Set it to the key the data was "
        "written with; after a key change, list the new key first and keep the old one after "
        "it (comma-separated) until `lif-coach keys rotate` has run."
    )


# -- binding to an engine ---------------------------------------------------------------------


def bind_cipher(engine: Engine, cipher: Cipher | None) -> Engine:
    """Make `cipher` the one EncryptedText columns use on this engine."""
    setattr(engine.dialect, _DIALECT_ATTRIBUTE, cipher)
    return engine


def cipher_of(dialect: Dialect) -> Cipher:
    """The cipher bound to an engine's dialect; EncryptionKeyError when there is none."""
    cipher = getattr(dialect, _DIALECT_ATTRIBUTE, None)
    if cipher is None:
        raise EncryptionKeyError(
            "This database connection has no encryption key, so personal text is neither "
            f"read nor written: build the engine with make_engine(url, cipher=...) from "
            f"{KEY_VARIABLE}."
        )
    return cipher


class EncryptedText(TypeDecorator[str]):
    """TEXT holding a Fernet token of what a person wrote; Python sees the plain text."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        """Encrypt on the way in."""
        return None if value is None else cipher_of(dialect).encrypt(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        """Decrypt on the way out."""
        return None if value is None else cipher_of(dialect).decrypt(value)


# -- re-encrypting stored values (key rotation, the migration of existing rows) --------------


@dataclass(frozen=True)
class EncryptedColumns:
    """A table's primary key and its encrypted columns, by name."""

    table: str
    key: tuple[str, ...]
    columns: tuple[str, ...]


def encrypted_columns(metadata: MetaData) -> list[EncryptedColumns]:
    """Every table with EncryptedText columns in this schema."""
    found = []
    for table in metadata.sorted_tables:
        names = tuple(c.name for c in table.columns if isinstance(c.type, EncryptedText))
        if names:
            found.append(
                EncryptedColumns(table.name, tuple(table.primary_key.columns.keys()), names)
            )
    return found


def transform_stored(
    connection: Connection, spec: EncryptedColumns, change: Callable[[str], str]
) -> int:
    """Apply `change` to every stored (raw) value of the columns; returns the rows changed."""
    raw = _raw_table(spec)
    rows = connection.execute(select(*raw.columns)).mappings().all()
    for row in rows:
        values = {name: _maybe(change, row[name]) for name in spec.columns}
        keys = [raw.c[name] == row[name] for name in spec.key]
        connection.execute(update(raw).where(*keys).values(**values))
    return len(rows)


def rotate_all(
    engine: Engine,
    metadata: MetaData,
    *,
    record: Callable[[Connection, dict[str, int]], None] | None = None,
) -> dict[str, int]:
    """Re-encrypt every encrypted value with the newest key, in one transaction; `record`
    (an audit row, say) is written in the same transaction, with the rows per table."""
    cipher = cipher_of(engine.dialect)
    with engine.begin() as connection:
        counts = {
            spec.table: transform_stored(connection, spec, cipher.rotate)
            for spec in encrypted_columns(metadata)
        }
        if record is not None:
            record(connection, counts)
        return counts


def verify_key(engine: Engine, metadata: MetaData) -> None:
    """EncryptionKeyError, saying what to do, unless the cipher reads what is stored."""
    cipher = cipher_of(engine.dialect)
    with engine.connect() as connection:
        for spec in encrypted_columns(metadata):
            raw = _raw_table(spec)
            column = raw.c[spec.columns[0]]
            sample = connection.execute(select(column).where(column.is_not(None)).limit(1))
            token = sample.scalar()
            if token is not None:
                cipher.decrypt(token)
                return


def _raw_table(spec: EncryptedColumns) -> Table:
    """Key columns untyped and encrypted ones as plain TEXT: values pass exactly as stored."""
    keys: Iterable[Column[Any]] = (Column(name) for name in spec.key)
    texts = (Column(name, Text) for name in spec.columns)
    return Table(spec.table, MetaData(), *keys, *texts)


def _maybe(change: Callable[[str], str], value: Any) -> Any:
    return None if value is None else change(value)
