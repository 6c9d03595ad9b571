import sys

from grocker_sample.cli import main

sys.exit(main())
