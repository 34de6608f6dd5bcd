# Kit profiles are small text files (kits/*.kit, shipped to a board as kit.txt): one
# "key value value ..." per line, "#" starts a comment. The host reads the same files.
CAPS = ("motors", "pixels", "leds", "display", "tone", "distance", "line", "light",
        "buttons", "tilt")


def load(path):
    kit = {}  # type: dict[str, list[str]]
    try:
        f = open(path)
    except OSError:
        return kit
    # readline() until "": files on the micro:bit have no iterator (`for line in f` stops
    # there with a TypeError), and one line at a time keeps RAM low
    line = f.readline()
    while line:
        w = line.split("#")[0].split()
        if w:
            kit[w[0]] = w[1:]
        line = f.readline()
    f.close()
    return kit


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
