"""Running Frontline as a whole: ``frontline run``, ``frontline demo`` and ``frontline bench``.

This app sits above every other: it may import any of them, and none imports it (the
import contracts in ``.importlinter`` hold that)."""
