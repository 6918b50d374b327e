"""What the figures were measured on: machine, load, software versions."""

import datetime
import os
import platform

import tensorflow as tf


def _cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib():
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024.0**2, 1)
    except OSError:
        pass
    return None


def load_average():
    """The 1-, 5- and 15-minute load averages (None where unknown)."""
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def _keras_version():
    try:
        import keras  # pylint: disable=g-import-not-at-top

        return keras.__version__
    except ImportError:
        return None


def describe(device=None):
    """A dict describing the machine and the software."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    gpus = [
        d.name for d in tf.config.list_physical_devices("GPU")
    ] if device and "GPU" in device.upper() else []
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": usable,
        "memory_gib": _memory_gib(),
        "gpus": gpus,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": _keras_version(),
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
    }
