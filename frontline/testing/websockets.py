"""Channels' ``WebsocketCommunicator`` for tests.

``channels.testing/__init__.py`` also imports the Daphne live-server test case, and Daphne
(with Twisted) is not installed: Frontline serves with uvicorn. Registering the package
without running its ``__init__`` lets the communicator itself import as usual.
"""

import sys
import types
from pathlib import Path

import channels

if "channels.testing" not in sys.modules:
    _package = types.ModuleType("channels.testing")
    _package.__path__ = [str(Path(channels.__file__).parent / "testing")]
    sys.modules["channels.testing"] = _package

from channels.testing.websocket import WebsocketCommunicator

__all__ = ["WebsocketCommunicator"]
