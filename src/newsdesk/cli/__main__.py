import sys

from newsdesk.cli.app import main

sys.exit(main())
