"""`python -m workflow_runtime run|check` (see workflow_runtime.cli)."""

import sys

from workflow_runtime.cli import main

sys.exit(main())
