# Kit profiles are small text files (kits/*.kit, shipped to a board as kit.txt): one
# "key value value ..." per line, "#" starts a comment. The host reads the same files.
import gc

CAPS = ("motors", "pixels", "leds", "display", "tone", "distance", "line", "light",
        "buttons", "tilt")


def load(path):
    kit = {}  # type: dict[str, list[str]]
    try:
        _read(path, kit)
    except OSError:  # no kit.txt: a kit with nothing
        pass
    return kit


def _read(path, kit):
    # readline() until "": files on the micro:bit have no iterator (`for line in f` stops
    # there with a TypeError), and one line at a time keeps RAM low. Each line's words are
    # garbage at once, and automatic collection is off (main.py): collect as we go, or
    # reading the profile is the firmware's peak heap. The frames alive meanwhile (this
    # one, load's) stay small enough for the C stack: see HAL.md.
    f = open(path)
    line = f.readline()
    while line:
        w = line.split("#")[0].split()
        if w:
            kit[w[0]] = w[1:]
        w = None
        line = None
        gc.collect()
        line = f.readline()
    f.close()


def caps(kit):
    m = 0
    for w in kit.get("caps", ()):
        if w in CAPS:
            m |= 1 << CAPS.index(w)
    return m


def num(kit, key, default=0):
    v = kit.get(key)
    return int(v[0], 0) if v else default


def nums(kit, key):
    return [int(x, 0) for x in kit.get(key, ())]
