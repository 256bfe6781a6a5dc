# SPDX-License-Identifier: GPL-2.0-only
# A multiprocessing pool of 8 workers doing a fixed amount of work: the
# recorded "interpreter with worker processes" workload. The fork start
# method is asked for by name, since Python 3.14 changes the default.
import multiprocessing as mp


def work(n):
    data = [i * i for i in range(20000 + n)]
    return sum(data) % 1000003


if __name__ == "__main__":
    ctx = mp.get_context("fork")
    with ctx.Pool(8) as pool:
        print(sum(pool.map(work, range(64))))
