"""machine(): the description of the machine that every benchmark report carries."""
import os
import platform
import subprocess


def _cpuinfo():
    """The first value of each field of /proc/cpuinfo."""
    out = {}
    with open("/proc/cpuinfo") as f:
        for line in f:
            key, sep, value = line.partition(":")
            if sep and key.strip() not in out:
                out[key.strip()] = value.strip()
    return out


def _mem_gb():
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                return int(line.split()[1]) / 1024 / 1024
    return 0.0


def _os_name():
    try:
        return subprocess.run(["sh", "-c", ". /etc/os-release; echo $PRETTY_NAME"],
                              stdout=subprocess.PIPE, text=True).stdout.strip()
    except OSError:
        return "?"


def libblas():
    """The system's libblas.so.3 (Debian's alternative), or "?"."""
    try:
        alt = subprocess.run(["update-alternatives", "--query", "libblas.so.3-x86_64-linux-gnu"],
                             capture_output=True, text=True).stdout
    except OSError:
        return "?"
    return next((line.split(":", 1)[1].strip() for line in alt.splitlines() if line.startswith("Value:")), "?")


def machine():
    """CPU, its clock and vector units, cores, memory, /dev/shm, kernel, OS, BLAS and the load now."""
    cpu = _cpuinfo()
    flags = cpu.get("flags", "").split()
    st = os.statvfs("/dev/shm")
    return {"kernel": platform.release(), "cores": os.cpu_count(), "cpu": cpu.get("model name", "?"),
            "mhz": float(cpu.get("cpu MHz", 0) or 0), "avx512f": "avx512f" in flags,
            "avx512_bf16": "avx512_bf16" in flags, "amx_bf16": "amx_bf16" in flags,
            "mem_gb": _mem_gb(), "shm_free_gb": st.f_bavail * st.f_frsize / 1e9, "os": _os_name(),
            "libblas_alternative": libblas(), "load_before": os.getloadavg()}
