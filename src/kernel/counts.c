/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * From many noisy readings to one count per observe block.
 *
 * The slab counts are machine-wide: another process that forks, execs,
 * exits or faults a new mapping while a step is measured moves them, by one
 * or by hundreds. Measuring each step on its own (the counts are read right
 * before and right after it) keeps the windows in which that can happen
 * short, and judging each step separately means a disturbance in one step
 * of one run spoils nothing else.
 *
 * Per step, the value printed is the one most runs measured, not the
 * median: on a busy machine the disturbances are mostly small and of one
 * sign (a freshly exec'd program's first fault in each of its mappings adds
 * one anon_vma and one chain), which drags a median along once a third of
 * the runs are hit, while an undisturbed step always measures the same
 * value. So the most frequent value stays right for as long as undisturbed
 * runs outnumber every single kind of disturbance, even when they are a
 * minority of all runs.
 */
#include "kernel/kernel_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int series_add(struct count_series *s, const struct slab_counts *delta, size_t nr_steps,
	       const size_t *block_at, size_t nr_blocks)
{
	size_t i;

	if (!s->nr_runs) {
		s->nr_steps = nr_steps;
		s->nr_blocks = nr_blocks;
		s->block_at = calloc(nr_blocks ? nr_blocks : 1, sizeof(*s->block_at));
		if (!s->block_at)
			return -ENOMEM;
		memcpy(s->block_at, block_at, nr_blocks * sizeof(*block_at));
	} else if (s->nr_steps != nr_steps || s->nr_blocks != nr_blocks ||
		   memcmp(s->block_at, block_at, nr_blocks * sizeof(*block_at))) {
		/* Only a fork the kernel refused in one run could do this. */
		return -EPROTO;
	}
	if (s->nr_runs == s->cap_runs) {
		size_t cap = s->cap_runs ? s->cap_runs * 2 : 16;
		size_t n = cap * (nr_steps ? nr_steps : 1);
		long *av = realloc(s->av, n * sizeof(long)), *avc;

		if (!av)
			return -ENOMEM;
		s->av = av;
		avc = realloc(s->avc, n * sizeof(long));
		if (!avc)
			return -ENOMEM;
		s->avc = avc;
		s->cap_runs = cap;
	}
	for (i = 0; i < nr_steps; i++) {
		s->av[s->nr_runs * nr_steps + i] = delta[i].anon_vma;
		s->avc[s->nr_runs * nr_steps + i] = delta[i].anon_vma_chain;
	}
	s->nr_runs++;
	return 0;
}

void series_free(struct count_series *s)
{
	free(s->block_at);
	free(s->av);
	free(s->avc);
	memset(s, 0, sizeof(*s));
}

static bool step_varies(const struct count_series *s, const long *v, size_t step)
{
	size_t r;

	for (r = 1; r < s->nr_runs; r++)
		if (v[r * s->nr_steps + step] != v[step])
			return true;
	return false;
}

bool series_varies(const struct count_series *s)
{
	size_t i;

	for (i = 0; i < s->nr_steps; i++)
		if (step_varies(s, s->av, i) || step_varies(s, s->avc, i))
			return true;
	return false;
}

/*
 * Whether @votes runs against @runner_up is more than chance: were both
 * values equally likely, the difference would stay within two standard
 * deviations, 2 * sqrt(votes + runner_up), nineteen times out of twenty.
 */
static bool clear_win(size_t votes, size_t runner_up)
{
	size_t lead = votes - runner_up;

	return lead * lead > 4 * (votes + runner_up);
}

/*
 * The value most runs measured for one step, taking the two counts as one
 * pair; ties go to the pair seen first. Records in @q how clearly it won,
 * when that is less clear than for the steps before.
 */
static void step_mode(const struct count_series *s, size_t step, long *av, long *avc,
		      struct series_quality *q)
{
	size_t n = s->nr_runs, r, o, best = 0, second = 0, best_run = 0;

	for (r = 0; r < n; r++) {
		long a = s->av[r * s->nr_steps + step], c = s->avc[r * s->nr_steps + step];
		size_t same = 0;
		bool seen = false;

		for (o = 0; o < n; o++) {
			long oa = s->av[o * s->nr_steps + step], oc = s->avc[o * s->nr_steps + step];

			if (oa != a || oc != c)
				continue;
			if (o < r) {
				seen = true;
				break;
			}
			same++;
		}
		if (seen)
			continue;
		if (same > best) {
			second = best;
			best = same;
			best_run = r;
		} else if (same > second) {
			second = same;
		}
	}
	*av = s->av[best_run * s->nr_steps + step];
	*avc = s->avc[best_run * s->nr_steps + step];
	if (best - second < q->votes - q->runner_up) {
		q->votes = best;
		q->runner_up = second;
	}
	if (!clear_win(best, second))
		q->clear = false;
}

/* Per-block sums of the step values into out[block] and out[nr_blocks + block]. */
static void block_sums(const struct count_series *s, long *out, struct series_quality *q)
{
	long sum_av = 0, sum_avc = 0, av, avc;
	size_t b, step = 0;

	for (b = 0; b < s->nr_blocks; b++) {
		for (; step < s->block_at[b]; step++) {
			step_mode(s, step, &av, &avc, q);
			sum_av += av;
			sum_avc += avc;
		}
		out[b] = sum_av;
		out[s->nr_blocks + b] = sum_avc;
	}
}

int series_estimate(const struct count_series *scn, const struct count_series *skel, long *out,
		    struct series_quality *q)
{
	size_t n = 2 * scn->nr_blocks, i;
	long *sk;

	if (!scn->nr_runs || scn->nr_runs != skel->nr_runs || scn->nr_blocks != skel->nr_blocks)
		return -EINVAL;
	sk = calloc(n ? n : 1, sizeof(long));
	if (!sk)
		return -ENOMEM;
	q->clear = true;
	q->votes = scn->nr_runs;
	q->runner_up = 0;
	block_sums(scn, out, q);
	block_sums(skel, sk, q);
	for (i = 0; i < n; i++)
		out[i] -= sk[i];
	free(sk);
	return 0;
}

static long run_sum(const struct count_series *s, const long *v, size_t run, size_t block)
{
	long sum = 0;
	size_t i;

	for (i = 0; i < s->block_at[block]; i++)
		sum += v[run * s->nr_steps + i];
	return sum;
}

void series_run_total(const struct count_series *scn, const struct count_series *skel,
		      size_t run, size_t block, long out[2])
{
	out[0] = run_sum(scn, scn->av, run, block) - run_sum(skel, skel->av, run, block);
	out[1] = run_sum(scn, scn->avc, run, block) - run_sum(skel, skel->avc, run, block);
}
