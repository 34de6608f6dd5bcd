# The feedback vocabulary: one steady light colour and one 5x5 sign per system state.
# The host keeps the same table (dojokit.feedback); a test checks both are equal.
# Never red, never flashing: "not yet" is amber, and every state is a steady colour.
# Each row: (name, (r, g, b), 25-bit display sign, row by row, top-left bit first)
# Rows are only ever added at the end: a state's number is what STATE and BEAT carry.
STATES = (
    ("ready", (0, 80, 255), 0b0000001110011100111000000),      # a small square
    ("running", (0, 160, 200), 0b0010001110101010010000100),   # an arrow up
    ("finished", (0, 200, 80), 0b0000000001000101010001000),   # a tick
    ("not_yet", (255, 170, 0), 0b0000000000001000000000000),   # one dot: keep going
    ("waiting", (120, 60, 200), 0b0000001010010100101000000),  # pause bars
    ("low_battery", (255, 110, 0), 0b0000001110010100111000000),  # an empty battery
    ("time_up", (200, 200, 200), 0b1111101010001000101011111),  # an hourglass
    # the calm profile's pause before the wheels turn: running's own colour (no extra
    # light change), its own sign, an arrow on the start line
    ("moving_soon", (0, 160, 200), 0b0000000100011100000011111),
)
READY = 0
RUNNING = 1
FINISHED = 2
NOT_YET = 3
WAITING = 4
LOW_BATTERY = 5
TIME_UP = 6
MOVING_SOON = 7
