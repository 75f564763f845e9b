# Draws the Iris views' icons (16 px, and 32 px as name@2x.png), antialiased by supersampling:
#   python3 plugins/dev.iris.ui/tools/icons.py plugins/dev.iris.ui/icons
import struct, zlib, math, sys

def png(path, w, h, px):
    raw = b''.join(b'\x00' + bytes(sum((list(px[y*w+x]) for x in range(w)), [])) for y in range(h))
    def chunk(t, d):
        c = struct.pack('>I', len(d)) + t + d
        return c + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    data = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 6, 0, 0, 0)) \
        + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b'')
    open(path, 'wb').write(data)

SS = 4
class Canvas:
    def __init__(self, size):
        self.n = size * SS
        self.size = size
        self.c = [(0, 0, 0, 0)] * (self.n * self.n)
    def put(self, x, y, col):
        if 0 <= x < self.n and 0 <= y < self.n:
            r, g, b = col
            self.c[y * self.n + x] = (r, g, b, 255)
    # shapes in icon units (0..16 scaled), drawn at SS
    def rect(self, x0, y0, x1, y1, col):
        k = self.n / 16
        for y in range(int(y0 * k), int(y1 * k)):
            for x in range(int(x0 * k), int(x1 * k)):
                self.put(x, y, col)
    def circle(self, cx, cy, r, col):
        k = self.n / 16
        for y in range(self.n):
            for x in range(self.n):
                if ((x + .5) / k - cx) ** 2 + ((y + .5) / k - cy) ** 2 <= r * r:
                    self.put(x, y, col)
    def line(self, x0, y0, x1, y1, wdt, col):
        k = self.n / 16
        L = math.hypot(x1 - x0, y1 - y0)
        for y in range(self.n):
            for x in range(self.n):
                px, py = (x + .5) / k, (y + .5) / k
                t = max(0, min(1, ((px - x0) * (x1 - x0) + (py - y0) * (y1 - y0)) / (L * L)))
                if math.hypot(px - (x0 + t * (x1 - x0)), py - (y0 + t * (y1 - y0))) <= wdt / 2:
                    self.put(x, y, col)
    def triangle(self, pts, col):
        k = self.n / 16
        (ax, ay), (bx, by), (cx, cy) = pts
        def side(px, py, x0, y0, x1, y1):
            return (x1 - x0) * (py - y0) - (y1 - y0) * (px - x0)
        for y in range(self.n):
            for x in range(self.n):
                px, py = (x + .5) / k, (y + .5) / k
                s1 = side(px, py, ax, ay, bx, by); s2 = side(px, py, bx, by, cx, cy); s3 = side(px, py, cx, cy, ax, ay)
                if (s1 >= 0 and s2 >= 0 and s3 >= 0) or (s1 <= 0 and s2 <= 0 and s3 <= 0):
                    self.put(x, y, col)
    def arrow(self, x0, y0, x1, y1, wdt, head, col):
        L = math.hypot(x1 - x0, y1 - y0); ux, uy = (x1 - x0) / L, (y1 - y0) / L
        bx, by = x1 - ux * head, y1 - uy * head
        self.line(x0, y0, bx, by, wdt, col)
        self.triangle([(x1, y1), (bx - uy * head * .6, by + ux * head * .6), (bx + uy * head * .6, by - ux * head * .6)], col)
    def save(self, path):
        out = []
        for y in range(self.size):
            for x in range(self.size):
                acc = [0, 0, 0, 0]
                for dy in range(SS):
                    for dx in range(SS):
                        r, g, b, a = self.c[(y * SS + dy) * self.n + x * SS + dx]
                        acc[0] += r * a; acc[1] += g * a; acc[2] += b * a; acc[3] += a
                a = acc[3]
                out.append((0, 0, 0, 0) if a == 0 else (acc[0] // a, acc[1] // a, acc[2] // a, a // (SS * SS)))
        png(path, self.size, self.size, out)

BLUE = (41, 98, 180); ORANGE = (224, 130, 30); GREEN = (56, 150, 70); GREY = (120, 128, 140); LIGHT = (170, 178, 190)

def cluster(c):
    pts = [(8, 3.2), (3.6, 12), (12.4, 12)]
    for i in range(3):
        a, b = pts[i], pts[(i + 1) % 3]
        c.line(a[0], a[1], b[0], b[1], 1.4, GREY)
    for x, y in pts:
        c.circle(x, y, 2.9, BLUE)

def pages(c):
    cols = [BLUE, BLUE, ORANGE, GREEN, BLUE, ORANGE, GREEN, GREEN, BLUE]
    for i, col in enumerate(cols):
        x, y = 1.5 + (i % 3) * 4.5, 1.5 + (i // 3) * 4.5
        c.rect(x, y, x + 4, y + 4, col)

def groups(c):
    c.circle(8, 8, 7.2, GREY)
    c.circle(8, 8, 6.0, (0, 0, 0))
    c.c = [(0, 0, 0, 0) if p == (0, 0, 0, 255) else p for p in c.c]
    c.circle(8, 4.6, 2.2, BLUE)
    c.circle(4.8, 10.2, 2.2, BLUE)
    c.circle(11.2, 10.2, 2.2, BLUE)

def trace(c):
    c.rect(2, 1, 3.4, 15, LIGHT)
    c.rect(12.6, 1, 14, 15, LIGHT)
    c.arrow(2.7, 3, 13.3, 7.5, 1.6, 3.6, BLUE)
    c.arrow(13.3, 9, 2.7, 13.5, 1.6, 3.6, ORANGE)

def heap(c):
    # objects piled up: blocks of a heap, one referring to another
    for x0, y0, col in [(1, 10.5, BLUE), (6, 10.5, GREEN), (11, 10.5, BLUE), (3.5, 6, ORANGE), (8.5, 6, BLUE)]:
        c.rect(x0, y0, x0 + 4, y0 + 4, col)
    c.rect(6, 1.5, 10, 5.5, GREEN)
    c.line(10.5, 3.5, 13.5, 3.5, 1.2, GREY)
    c.line(13.5, 3.5, 13.5, 6.5, 1.2, GREY)
    c.triangle([(13.5, 9.6), (11.7, 6.5), (15.3, 6.5)], GREY)

for name, draw in [('cluster', cluster), ('page-ownership', pages), ('process-groups', groups), ('message-trace', trace),
                   ('heap', heap)]:
    for size, suffix in [(16, ''), (32, '@2x')]:
        c = Canvas(size)
        draw(c)
        c.save(sys.argv[1] + '/' + name + suffix + '.png')
