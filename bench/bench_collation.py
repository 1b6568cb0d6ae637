"""Collation bench (issue 13): 100,000 names keyed and sorted per language with ICU (letters/collation.py).

Usage: .venv/bin/python bench/bench_collation.py [--names 100000] [--repeat 3]
Prints, per language, the CPU time to build the primary keys and sort by them (what an export does), and the full
keys (accents and case) for comparison. Target: 100,000 names sorted in under 1 s. Prints figures only.
"""

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from letters import collation  # noqa: E402  (needs no Django settings)

WORDS = {
    "en": ["Human", "Rights", "Watch", "Women's", "Network", "Centre", "Forum", "Alliance", "Justice", "Initiative"],
    "fr": ["Réseau", "Défense", "Droits", "Ligue", "Femmes", "Égalité", "Œuvre", "Liberté", "L'Union", "Collectif"],
    "es": ["Asociación", "Ñandutí", "Derechos", "Coalición", "Mujeres", "Niñez", "Peñalolén", "Justicia", "Red", "Año"],
    "ar": ["مركز", "القاهرة", "لدراسات", "حقوق", "الإنسان", "جمعية", "الشبكة", "العربية", "مؤسسة", "المرأة"],
    "zh": ["人权", "观察", "中国", "妇女", "发展", "中心", "协会", "网络", "北京", "香港"],
    "ru": ["Мемориал", "Правозащитный", "центр", "Общество", "Ёлка", "Союз", "Женщины", "Права", "Фонд", "Сеть"],
}


def names(language, count):
    rng = random.Random(count)
    words = WORDS[language] + WORDS["en"][:3]  # lists in every language also hold Latin names
    return [" ".join(rng.choice(words) for _ in range(rng.randint(2, 5))) + f" {i}" for i in range(count)]


def timed(function, repeat):
    runs = []
    for _ in range(repeat):
        started = time.process_time()
        function()
        runs.append(time.process_time() - started)
    return sorted(runs)[len(runs) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"ICU {collation.icu.ICU_VERSION}, {args.names:,} names, median of {args.repeat}, load "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"  {'language':8s} {'keys+sort':>10s} {'full keys+sort':>15s}  target")
    for language, _words in WORDS.items():
        sample = names(language, args.names)
        key = collation.primary_keyer(language)
        primary = timed(lambda: sorted(sample, key=key), args.repeat)
        full = timed(lambda: sorted(sample, key=lambda name: collation.sort_key(name, language)), args.repeat)
        verdict = "ok" if primary < 1.0 else "MISSED"
        print(f"  {language:8s} {primary * 1000:8.0f}ms {full * 1000:13.0f}ms  {verdict} (< 1 s)")


if __name__ == "__main__":
    main()
