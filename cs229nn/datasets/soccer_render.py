r"""Procedural renderer for the 64×64×3 soccer-ball images of Ng §3.3.2 (numpy only).

One scene = a background (grass, sky, crowd or indoor floor), optionally distractors that a
lazy detector confuses with a ball (orange, tennis ball, toy ball, white plate, white circle
marking, black-and-white patches), and for positives one soccer ball: a sphere carrying the
truncated-icosahedron pattern under a random 3-D rotation, with Lambert shading, a specular
highlight and (on the ground) a shadow; sometimes cut by the frame or partly occluded.

Byte-identical everywhere. Every random number comes from PCG64's raw 64-bit output seeded by
``SeedSequence([seed, split, index])`` (both have a stable, documented algorithm; numpy's
``Generator`` methods do not promise that across versions), and every per-pixel operation is
IEEE-exact (+ − × ÷ sqrt, floor, comparisons) in float64: no sin/cos/exp/pow, whose last bit
may differ between CPUs and libms. Rotations come from a normalised random quaternion, so no
trigonometry is needed at all.
"""

import math
from dataclasses import dataclass
from typing import Callable, Optional, Sequence, Tuple

import numpy as np

SIZE = 64  # images are SIZE×SIZE×3, the notes' 64×64×3 (12 288 numbers when flattened)
SEED = 229
# Balls and round distractors: radius in px. Smaller balls make even test-region detection
# hopeless for logistic regression (measured in docs/soccer.md), and the notes' argument needs it to work there.
RADIUS_RANGE = (8.0, 24.0)

# Where ball centres (x right, y down, in pixels) may lie: ((x_min, x_max), (y_min, y_max)).
# "seen" is used by train and test, "held_out" only by shifted: it is never seen in training,
# which is the point of Ng §3.3.2. "seen" is a small window, like a photographer who always
# frames the ball right of centre: one weight per pixel can then learn the ball (≈ 90 % on
# test), and fails where it never saw one.
REGIONS = {
    "seen": ((42.0, 50.0), (36.0, 46.0)),  # right of and below the centre
    "held_out": ((10.0, 22.0), (10.0, 22.0)),  # inside the top-left quadrant
}
HELD_OUT_QUADRANT = 32.0  # held-out centres satisfy x < 32 and y < 32; seen ones never do


def in_held_out_quadrant(x: float, y: float) -> bool:
    return x < HELD_OUT_QUADRANT and y < HELD_OUT_QUADRANT


# --------------------------------------------------------------------------- random numbers


_ULP = 1.0 / 9007199254740992.0  # 2^−53: a 53-bit integer times this is a float in [0, 1)


class Stream:
    """Uniform draws in [0, 1) from PCG64's raw output: 53 random bits per float, version-stable."""

    def __init__(self, *key: int) -> None:
        self._bits = np.random.PCG64(np.random.SeedSequence(list(key)))

    def uniform(self, low: float = 0.0, high: float = 1.0, size: Optional[Tuple[int, ...]] = None):
        if size is None:  # a Python int: much faster than a 1-element array, same value
            return low + (high - low) * ((self._bits.random_raw() >> 11) * _ULP)
        u = (self._bits.random_raw(int(np.prod(size))) >> np.uint64(11)).astype(np.float64) * _ULP
        return (low + (high - low) * u).reshape(size)

    def below(self, n: int) -> int:
        return int(self.uniform() * n)

    def chance(self, p: float) -> bool:
        return self.uniform() < p

    def pick(self, options: Sequence):
        return options[self.below(len(options))]

    def unit_vector(self, dim: int) -> np.ndarray:
        """Uniform on the unit sphere S^{dim−1}: rejection from the cube, then normalise (no trig)."""
        while True:
            v = self.uniform(-1.0, 1.0, (dim,))
            n2 = float(sum(x * x for x in v))
            if 1e-4 < n2 <= 1.0:
                return v / math.sqrt(n2)

    def radius(self) -> float:
        return self.uniform(*RADIUS_RANGE)


def rotation_matrix(q: np.ndarray) -> np.ndarray:
    """The rotation of a unit quaternion q = (w, x, y, z); uniform q gives a uniform rotation."""
    w, x, y, z = (float(c) for c in q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - w * z), 2 * (x * z + w * y)],
            [2 * (x * y + w * z), 1 - 2 * (x * x + z * z), 2 * (y * z - w * x)],
            [2 * (x * z - w * y), 2 * (y * z + w * x), 1 - 2 * (x * x + y * y)],
        ]
    )


def _apply(m: np.ndarray, p: np.ndarray) -> np.ndarray:
    """m p for every row of p, written out (a BLAS matmul may fuse multiply-adds differently per CPU)."""
    return p[:, 0:1] * m[:, 0] + p[:, 1:2] * m[:, 1] + p[:, 2:3] * m[:, 2]


def _dot(p: np.ndarray, v: np.ndarray) -> np.ndarray:
    return p[:, 0] * v[0] + p[:, 1] * v[1] + p[:, 2] * v[2]


# --------------------------------------------------------------------------- the ball's pattern


def _truncated_icosahedron_faces() -> Tuple[np.ndarray, np.ndarray]:
    """Unit face normals scaled by 1/(distance of the face plane): rows 0–11 pentagons, 12–31 hexagons.

    The pentagons sit on the 12 icosahedron vertices (0, ±1, ±φ) (cyclic), the hexagons on its
    20 face centres, the dodecahedron vertices (±1, ±1, ±1) and (0, ±φ, ±1/φ) (cyclic). A ray
    from the centre in direction p leaves the solid through the face maximising p·n_f / d_f, so
    that argmax is the exact central projection of the truncated icosahedron onto the sphere.
    """
    phi = (1 + math.sqrt(5)) / 2

    def cyclic(v):
        return [v, (v[1], v[2], v[0]), (v[2], v[0], v[1])]

    def signs(v):
        out = {(a, b, c) for a in (v[0], -v[0]) for b in (v[1], -v[1]) for c in (v[2], -v[2])}
        return sorted(out)

    pent = [c for s in signs((0.0, 1.0, phi)) for c in cyclic(s)]
    hexa = signs((1.0, 1.0, 1.0)) + [c for s in signs((0.0, phi, 1 / phi)) for c in cyclic(s)]
    # Vertices of the truncated icosahedron (edge 2): cyclic permutations of
    # (0, ±1, ±3φ), (±1, ±(2+φ), ±2φ), (±φ, ±2, ±φ³); a face plane's distance is max_v v·n.
    verts = np.array(
        [c for base in ((0.0, 1.0, 3 * phi), (1.0, 2 + phi, 2 * phi), (phi, 2.0, phi * phi * phi)) for s in signs(base) for c in cyclic(s)]
    )
    normals = []
    for group in (pent, hexa):
        for n in np.array(sorted(set(group))):
            unit = n / math.sqrt(float(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]))
            normals.append(unit / float(np.max(_dot(verts, unit))))
    return np.array(normals[:12]), np.array(normals[12:])


PENTAGONS, HEXAGONS = _truncated_icosahedron_faces()
FACES = np.concatenate([PENTAGONS, HEXAGONS])

WHITE = np.array([0.93, 0.93, 0.91])
BLACK = np.array([0.05, 0.05, 0.06])
SEAM = np.array([0.45, 0.45, 0.45])


def soccer_albedo(p: np.ndarray, seam_width: float) -> np.ndarray:
    """Albedo of unit vectors p (rotated into the ball's frame): black pentagons, white hexagons, grey seams."""
    scores = _apply(FACES, p)  # (M, 32): p·n_f/d_f
    top2 = np.partition(scores, -2, axis=1)[:, -2:]
    pentagon = np.max(scores[:, :12], axis=1) > np.max(scores[:, 12:], axis=1)
    albedo = np.where(pentagon[:, None], BLACK, WHITE)
    # Near an edge the two largest scores meet; their gap grows linearly with the distance.
    seam = (top2[:, 1] - top2[:, 0]) < seam_width
    return np.where((seam & ~pentagon)[:, None], SEAM, albedo)


# --------------------------------------------------------------------------- drawing helpers

_COORD = np.arange(SIZE) + 0.5  # pixel centres
X, Y = np.meshgrid(_COORD, _COORD)  # X[i, j] = j + 0.5 (right), Y[i, j] = i + 0.5 (down)


def _blend(canvas: np.ndarray, alpha: np.ndarray, colour) -> None:
    """canvas ← (1 − α) canvas + α colour, α of shape (64, 64) in [0, 1]."""
    a = alpha[:, :, None]
    canvas *= 1 - a
    canvas += a * np.asarray(colour, dtype=np.float64)


def _edge(signed_distance: np.ndarray) -> np.ndarray:
    """Antialiased coverage of the region {distance < 0}: a 1-px linear ramp."""
    return np.clip(0.5 - signed_distance, 0.0, 1.0)


def _ellipse_distance(cx: float, cy: float, rx: float, ry: float) -> np.ndarray:
    """Approximate signed distance (px) to an axis-aligned ellipse: (‖·‖_scaled − 1) × min radius."""
    u, v = (X - cx) / rx, (Y - cy) / ry
    d = np.sqrt(u * u + v * v)
    return (d - 1) * min(rx, ry)


def _shadow(canvas: np.ndarray, cx: float, cy: float, r: float, light: np.ndarray, strength: float) -> None:
    """A soft ground shadow: a flat ellipse under the object, pushed away from the light."""
    sx, sy = cx - 0.6 * r * light[0], cy + 0.8 * r
    u, v = (X - sx) / (1.1 * r), (Y - sy) / (0.38 * r)
    q = u * u + v * v
    alpha = np.clip(1 - q, 0.0, 1.0)
    canvas *= 1 - strength * alpha[:, :, None]


@dataclass
class Light:
    direction: np.ndarray  # unit vector towards the light; x right, y down, z to the viewer
    half: np.ndarray  # Blinn–Phong half vector between the light and the viewer (0, 0, 1)


def random_light(s: Stream) -> Light:
    v = np.array([s.uniform(-0.7, 0.4), s.uniform(-0.9, -0.3), s.uniform(0.5, 1.0)])
    v = v / math.sqrt(float(_dot(v[None], v)[0]))
    h = v + np.array([0.0, 0.0, 1.0])
    return Light(v, h / math.sqrt(float(_dot(h[None], h)[0])))




def draw_sphere(
    canvas: np.ndarray,
    cx: float,
    cy: float,
    r: float,
    albedo: Callable[[np.ndarray], np.ndarray],
    light: Light,
    rotation: np.ndarray,
    shininess: float = 0.5,
) -> None:
    """Shade a sphere of radius r at (cx, cy): Lambert diffuse + Blinn–Phong highlight, supersampled.

    The surface normal at image offset (dx, dy)/r is n = (dx, dy, √(1 − dx² − dy²)); the
    pattern is looked up at R n, the normal in the ball's own (rotated) frame.
    """
    x0, x1 = max(0, int(math.floor(cx - r))), min(SIZE, int(math.ceil(cx + r)))
    y0, y1 = max(0, int(math.floor(cy - r))), min(SIZE, int(math.ceil(cy + r)))
    if x0 >= x1 or y0 >= y1:
        return
    # k×k samples per pixel: small balls need 3×3 to keep their pentagons; big ones do with 2×2.
    k = 3 if r < 14 else 2
    sub = (np.arange(k) + 0.5) / k
    xs = ((np.arange(x0, x1)[:, None] + sub).ravel() - cx) / r
    ys = ((np.arange(y0, y1)[:, None] + sub).ravel() - cy) / r
    dx, dy = np.meshgrid(xs, ys)
    d2 = dx * dx + dy * dy
    inside = d2 < 1.0
    n = np.stack([dx[inside], dy[inside], np.sqrt(1.0 - d2[inside])], axis=1)
    diffuse = np.maximum(_dot(n, light.direction), 0.0)
    spec = np.maximum(_dot(n, light.half), 0.0)
    for _ in range(5):  # spec^32 by squaring: exact, unlike pow
        spec = spec * spec
    colour = albedo(_apply(rotation, n)) * (0.28 + 0.78 * diffuse)[:, None] + (shininess * spec)[:, None]
    samples = np.zeros(dx.shape + (3,))
    samples[inside] = colour
    h, w = y1 - y0, x1 - x0
    # Average each pixel's k×k samples in a fixed order (numpy's reductions may reorder sums).
    total, coverage = np.zeros((h, w, 3)), np.zeros((h, w))
    for i in range(k):
        for j in range(k):
            total += samples[i::k, j::k]
            coverage += inside[i::k, j::k]
    total, coverage = total / (k * k), coverage / (k * k)
    region = canvas[y0:y1, x0:x1]
    region *= 1 - coverage[:, :, None]
    region += total


# --------------------------------------------------------------------------- backgrounds


def _noise(s: Stream, amount: float, colour: bool = False) -> np.ndarray:
    shape = (SIZE, SIZE, 3) if colour else (SIZE, SIZE, 1)
    return s.uniform(-amount, amount, shape)


def _straight_line(canvas: np.ndarray, s: Stream, colour, width: float) -> None:
    normal = s.unit_vector(2)
    offset = s.uniform(0, SIZE)
    # Lines through a random point of the frame, any orientation.
    dist = np.abs((X - SIZE / 2) * normal[0] + (Y - SIZE / 2) * normal[1] - (offset - SIZE / 2))
    _blend(canvas, _edge(dist - width / 2), colour)


def grass(s: Stream) -> np.ndarray:
    """Mown grass: two-tone stripes along a random direction, texture noise, sometimes pitch lines."""
    base = np.array([s.uniform(0.12, 0.26), s.uniform(0.38, 0.60), s.uniform(0.08, 0.20)])
    direction = s.unit_vector(2)
    width, phase = s.uniform(6, 16), s.uniform(0, 2)
    stripe = np.floor(((X * direction[0] + Y * direction[1]) / width + phase)) % 2
    shade = 1 + s.uniform(0.06, 0.14) * (stripe - 0.5) + 0.25 * (Y / SIZE - 0.5) * s.uniform(0, 1)
    canvas = base * shade[:, :, None] * (1 + _noise(s, 0.12))
    for _ in range(s.below(3)):
        _straight_line(canvas, s, (0.92, 0.93, 0.90), s.uniform(1.0, 2.5))
    return canvas


def sky(s: Stream) -> np.ndarray:
    """Sky gradient from deep blue at the top to lighter blue at the horizon, with soft clouds."""
    top = np.array([s.uniform(0.02, 0.15), s.uniform(0.08, 0.30), s.uniform(0.30, 0.60)])
    bottom = np.array([s.uniform(0.20, 0.40), s.uniform(0.30, 0.50), s.uniform(0.50, 0.70)])
    t = (Y / SIZE)[:, :, None]
    canvas = top * (1 - t) + bottom * t + _noise(s, 0.015)
    for _ in range(s.below(4)):
        cx, cy, rx = s.uniform(-10, 74), s.uniform(0, 64), s.uniform(6, 24)
        u, v = (X - cx) / rx, (Y - cy) / (rx * s.uniform(0.3, 0.6))
        q = u * u + v * v
        _blend(canvas, s.uniform(0.2, 0.5) * np.clip(1 - q, 0.0, 1.0), (0.75, 0.76, 0.8))
    return canvas


_CROWD = np.array([[0.8, 0.1, 0.1], [0.1, 0.2, 0.7], [0.9, 0.9, 0.9], [0.9, 0.75, 0.1], [0.1, 0.1, 0.1], [0.85, 0.6, 0.45], [0.5, 0.3, 0.2], [0.2, 0.55, 0.25]])


def crowd(s: Stream) -> np.ndarray:
    """Stands full of spectators: blocky noise of shirt and skin colours in darker tiers."""
    cell = s.pick((2, 3, 4))
    n = SIZE // cell + 1
    idx = (s.uniform(0, len(_CROWD), (n, n))).astype(int)
    blocks = _CROWD[idx] * s.uniform(0.5, 1.0, (n, n, 1))
    canvas = np.repeat(np.repeat(blocks, cell, axis=0), cell, axis=1)[:SIZE, :SIZE]
    tier = s.uniform(6, 12)
    canvas = canvas * (0.55 + 0.3 * (np.floor(Y / tier) % 2))[:, :, None] * s.uniform(0.5, 0.9)
    return canvas + _noise(s, 0.04, colour=True)


def indoor(s: Stream) -> np.ndarray:
    """An indoor floor: wooden planks, or tiles with grout, or a painted sports-hall floor."""
    kind = s.below(3)
    if kind == 0:  # planks: per-plank tone, grain along the plank, dark joints
        h = s.uniform(5, 10)
        plank = np.floor(Y / h)
        tones = s.uniform(0.75, 1.1, (SIZE + 1,))
        wood = np.array([s.uniform(0.35, 0.55), s.uniform(0.2, 0.35), s.uniform(0.08, 0.18)])
        grain = s.uniform(-0.06, 0.06, (SIZE, 1, 1)) * (1 + _noise(s, 0.5))
        canvas = wood * tones[plank.astype(int)][:, :, None] * (1 + grain)
        joint = np.abs(Y - (plank + 1) * h)
        _blend(canvas, _edge(joint - 0.4) * 0.6, (0.1, 0.06, 0.03))
        return canvas
    if kind == 1:  # tiles: a light, low-contrast checker with grout lines
        t = s.uniform(8, 16)
        base = np.array([s.uniform(0.25, 0.45)] * 3) * np.array([1.0, s.uniform(0.8, 1.0), s.uniform(0.7, 1.0)])
        check = (np.floor(X / t) + np.floor(Y / t)) % 2
        canvas = base * (1 - 0.08 * check)[:, :, None] + _noise(s, 0.02)
        gx, gy = X / t - np.floor(X / t + 0.5), Y / t - np.floor(Y / t + 0.5)
        grout = np.minimum(np.abs(gx), np.abs(gy)) * t
        _blend(canvas, _edge(grout - 0.4) * 0.5, base * 0.6)
        return canvas
    # sports hall: glossy coloured floor, painted lines, a vertical sheen
    base = np.array([s.uniform(0.1, 0.5), s.uniform(0.1, 0.4), s.uniform(0.05, 0.5)])
    canvas = base * (0.85 + 0.3 * (1 - np.abs(X / SIZE - s.uniform(0.3, 0.7))))[:, :, None] + _noise(s, 0.02)
    for _ in range(1 + s.below(2)):
        _straight_line(canvas, s, s.pick(((0.95, 0.95, 0.95), (0.9, 0.8, 0.1), (0.8, 0.15, 0.1))), s.uniform(1.0, 2.0))
    return canvas


# scene name -> (background, whether objects stand on it and cast a shadow)
SCENES = {"grass": (grass, True), "sky": (sky, False), "crowd": (crowd, False), "indoor": (indoor, True)}


# --------------------------------------------------------------------------- distractors


def _plain(colour: np.ndarray) -> Callable[[np.ndarray], np.ndarray]:
    return lambda p: np.broadcast_to(colour, p.shape)


def _orange(p: np.ndarray) -> np.ndarray:
    stem = p[:, 2] > 0.96
    return np.where(stem[:, None], np.array([0.25, 0.3, 0.05]), np.array([0.95, 0.48, 0.05]))


def _tennis(p: np.ndarray) -> np.ndarray:
    # The seam of a tennis ball is close to the curve z = 0.7 (x² − y²) on the unit sphere.
    seam = np.abs(p[:, 2] - 0.7 * (p[:, 0] * p[:, 0] - p[:, 1] * p[:, 1])) < 0.07
    return np.where(seam[:, None], np.array([0.95, 0.95, 0.92]), np.array([0.78, 0.88, 0.22]))


def _round_object(canvas, s, cx, cy, r, light, ground, albedo, shininess):
    if ground:
        _shadow(canvas, cx, cy, r, light.direction, s.uniform(0.3, 0.5))
    draw_sphere(canvas, cx, cy, r, albedo, light, rotation_matrix(s.unit_vector(4)), shininess)


def orange(canvas, s, cx, cy, r, light, ground):
    _round_object(canvas, s, cx, cy, r, light, ground, _orange, 0.25)


def tennis_ball(canvas, s, cx, cy, r, light, ground):
    _round_object(canvas, s, cx, cy, r, light, ground, _tennis, 0.1)


def toy_ball(canvas, s, cx, cy, r, light, ground):
    colours = ((0.85, 0.1, 0.1), (0.1, 0.3, 0.85), (0.95, 0.85, 0.1), (0.95, 0.95, 0.95), (0.2, 0.2, 0.2))
    _round_object(canvas, s, cx, cy, r, light, ground, _plain(np.array(s.pick(colours))), 0.6)


def white_plate(canvas, s, cx, cy, r, light, ground):
    """A white plate seen at an angle: an ellipse with a grey inner rim."""
    ry = r * s.uniform(0.45, 1.0)
    if ground:
        canvas *= 1 - 0.3 * _edge(_ellipse_distance(cx + 1.5, cy + 1.5, r, ry))[:, :, None]
    _blend(canvas, _edge(_ellipse_distance(cx, cy, r, ry)), (0.94, 0.94, 0.93))
    rim = np.abs(_ellipse_distance(cx, cy, 0.72 * r, 0.72 * ry)) - 0.5
    _blend(canvas, _edge(rim) * 0.5, (0.7, 0.7, 0.72))


def circle_marking(canvas, s, cx, cy, r, light, ground):
    """A painted white circle (centre circle, hoop): a ring, or a filled spot when small."""
    ry = r * s.uniform(0.5, 1.0)
    d = _ellipse_distance(cx, cy, r, ry)
    shape = d if r < 9 and s.chance(0.5) else np.abs(d) - s.uniform(0.6, 1.4)
    _blend(canvas, _edge(shape) * s.uniform(0.75, 0.95), (0.93, 0.93, 0.9))


def bw_pattern(canvas, s, cx, cy, r, light, ground):
    """A black-and-white patch without a ball's outline: checker, stripes or dots on a rotated rectangle."""
    u = s.unit_vector(2)
    a = (X - cx) * u[0] + (Y - cy) * u[1]  # coordinates along the patch's own axes
    b = (Y - cy) * u[0] - (X - cx) * u[1]
    half_w, half_h = r, r * s.uniform(0.5, 1.0)
    inside = _edge(np.maximum(np.abs(a) - half_w, np.abs(b) - half_h))
    cell = s.uniform(2.5, 5.0)
    kind = s.below(3)
    if kind == 0:
        dark = (np.floor(a / cell) + np.floor(b / cell)) % 2
    elif kind == 1:
        dark = np.floor(a / cell) % 2
    else:
        ga, gb = a / (2 * cell) - np.floor(a / (2 * cell) + 0.5), b / (2 * cell) - np.floor(b / (2 * cell) + 0.5)
        dark = _edge(np.sqrt(ga * ga + gb * gb) * 2 * cell - 0.6 * cell)
    _blend(canvas, inside, (0.92, 0.92, 0.9))
    _blend(canvas, inside * dark, (0.06, 0.06, 0.07))


DISTRACTORS = {
    "orange": orange,
    "tennis_ball": tennis_ball,
    "toy_ball": toy_ball,
    "white_plate": white_plate,
    "circle_marking": circle_marking,
    "bw_pattern": bw_pattern,
}


def _occluder(canvas: np.ndarray, s: Stream, cx: float, cy: float, r: float) -> None:
    """A leg or post in front of the ball: a vertical bar off-centre, so part of the ball stays visible."""
    side = 1 if s.chance(0.5) else -1
    x = cx + side * r * s.uniform(0.35, 0.8)
    width = r * s.uniform(0.3, 0.6)
    from_top = s.chance(0.5)
    end = cy + (1 if from_top else -1) * r * s.uniform(0.0, 0.6)
    along = (end - Y) if from_top else (Y - end)
    d = np.maximum(np.abs(X - x) - width / 2, -along)
    colour = np.array(s.pick(((0.9, 0.9, 0.9), (0.15, 0.15, 0.5), (0.7, 0.1, 0.1), (0.85, 0.65, 0.5), (0.1, 0.1, 0.1))))
    _blend(canvas, _edge(d), colour * s.uniform(0.7, 1.0))


# --------------------------------------------------------------------------- scenes


@dataclass
class Scene:
    """One rendered image and what is in it (centre and radius are NaN when there is no ball)."""

    image: np.ndarray  # (64, 64, 3) uint8
    label: int
    x: float
    y: float
    radius: float
    scene: str
    distractor: str  # "none" or a name of DISTRACTORS; several joined by "+"
    occluded: bool
    cut: bool  # the ball crosses the frame's border


def render_scene(seed: int, split_index: int, index: int, label: int, region: str) -> Scene:
    """Render image ``index`` of a split; a ball (if ``label``) centred in REGIONS[region].

    Distractors go anywhere in the frame (held-out quadrant included) and into positives too, so
    neither their presence nor position decides the label.
    """
    s = Stream(seed, split_index, index)
    scene = s.pick(tuple(SCENES))
    background, ground = SCENES[scene]
    canvas = background(s)
    light = random_light(s)
    n_distractors = (1 + (s.chance(0.3))) if (label == 0 and s.chance(0.9)) or (label == 1 and s.chance(0.4)) else 0
    names = []
    for _ in range(n_distractors):
        name = s.pick(tuple(DISTRACTORS))
        names.append(name)
        DISTRACTORS[name](canvas, s, s.uniform(0, SIZE), s.uniform(0, SIZE), s.radius(), light, ground)
    x = y = r = math.nan
    occluded = cut = False
    if label == 1:
        (xl, xh), (yl, yh) = REGIONS[region]
        x, y, r = s.uniform(xl, xh), s.uniform(yl, yh), s.radius()
        if ground:
            _shadow(canvas, x, y, r, light.direction, s.uniform(0.35, 0.55))
        seam = 0.25 / r  # about a quarter of a pixel wide: visible, yet thin on small balls
        draw_sphere(canvas, x, y, r, lambda p: soccer_albedo(p, seam), light, rotation_matrix(s.unit_vector(4)))
        occluded = s.chance(0.15)
        if occluded:
            _occluder(canvas, s, x, y, r)
        cut = x - r < 0 or y - r < 0 or x + r > SIZE or y + r > SIZE
    canvas = canvas + _noise(s, 0.02, colour=True)  # sensor noise
    image = np.floor(np.clip(canvas, 0.0, 1.0) * 255 + 0.5).astype(np.uint8)
    return Scene(image, label, x, y, r, scene, "+".join(names) or "none", occluded, cut)
