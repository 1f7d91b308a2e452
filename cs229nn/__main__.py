import sys

from cs229nn.cli import main

sys.exit(main())
