"""``python -m grocker_sample_web.worker`` prints ``worker ok``."""

import grocker_sample_web

if __name__ == "__main__":
    grocker_sample_web.worker()
