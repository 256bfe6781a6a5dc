// SPDX-License-Identifier: GPL-2.0-only
/*
 * The races of ANON_VMA_LAZY v1 as posted (docs/findings.md, "Concurrency"),
 * each replayed as one exact interleaving. A reader thread runs the lazy
 * code until a race point (lazy_race_hook, mm/lazy_rmap.h) and stops there;
 * the test thread then runs the mutator's steps through the public API, and
 * lets the reader go on. The two threads never run at once, so every run
 * takes the same path, and each test asserts what the reader did wrong.
 *
 * Classic would take none of these paths: its walkers hold the anon_vma
 * lock, which exit and munmap need for writing before the page tables go.
 */
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include <anonrmap/anonrmap.h>

#include "lib/rcu.h"
#include "mm/internal.h"
#include "mm/lazy_rmap.h"
#include "mm/vma_lock.h"
#include "mm/world.h"

#define BASE 0x100000000000UL
#define PG 4096UL
#define HUGE (2UL << 20)
#define RW (ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE)

/* One stop of the reader at a race point, and the way on. */
struct race {
	enum lazy_race_point point;
	sem_t stopped, resume;
	bool armed;
};

static struct race race;

static void stop_at_point(enum lazy_race_point point, const void *obj)
{
	(void)obj;
	if (!race.armed || point != race.point)
		return;
	race.armed = false;
	sem_post(&race.stopped);
	sem_wait(&race.resume);
}

static void arm(enum lazy_race_point point)
{
	race.point = point;
	race.armed = true;
	sem_init(&race.stopped, 0, 0);
	sem_init(&race.resume, 0, 0);
	lazy_race_hook = stop_at_point;
}

/* The test thread waits for the reader to stop; then its steps run. */
static void wait_stopped(void)
{
	sem_wait(&race.stopped);
}

static void resume(void)
{
	sem_post(&race.resume);
}

static void disarm(void)
{
	lazy_race_hook = NULL;
	sem_destroy(&race.stopped);
	sem_destroy(&race.resume);
}

static struct anonrmap_world *world_lazy(struct anonrmap_mm **p0, enum anonrmap_thp thp)
{
	struct anonrmap_config cfg;
	struct anonrmap_world *w;

	anonrmap_config_init(&cfg);
	cfg.mode = "lazy";
	cfg.zero_page = false;
	cfg.thp = thp;
	assert_int_equal(anonrmap_world_create(&cfg, &w, p0), 0);
	return w;
}

static struct folio *folio_at(struct anonrmap_mm *mm, unsigned long addr)
{
	struct anonrmap_page_info pi;

	assert_int_equal(anonrmap_page(mm, addr, &pi), 0);
	assert_int_equal(pi.kind, ANONRMAP_PAGE_ANON);
	return (struct folio *)pi.folio;
}

/* P0 maps and write-faults one page at BASE; its folio, held as reclaim holds one. */
static struct folio *held_folio(struct anonrmap_mm *p0)
{
	struct folio *folio;

	assert_int_equal(anonrmap_mmap(p0, BASE, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_touch(p0, BASE, PG, true), 0);
	folio = folio_at(p0, BASE);
	folio_get(folio);
	return folio;
}

/* What rmap_one was handed, and what the VMA was at that moment. */
struct seen {
	int calls;
	struct vm_area_struct *vma;
	struct mm_struct *mm;
	bool mm_exited;
	unsigned long address;
};

static int record_one(struct folio *folio, struct vm_area_struct *vma, unsigned long address,
		      void *arg)
{
	struct seen *s = arg;

	(void)folio;
	s->calls++;
	s->vma = vma;
	s->mm = vma->vm_mm;
	s->mm_exited = vma->vm_mm->exited;
	s->address = address;
	return 0;
}

/* A walker thread: rmap_walk() of one folio, as page_idle or DAMON run it. */
struct walker {
	pthread_t thread;
	struct folio *folio;
	struct seen seen;
};

static void *walk_thread(void *arg)
{
	struct walker *wk = arg;

	rmap_walk(wk->folio, record_one, &wk->seen);
	return NULL;
}

static void start_walker(struct walker *wk, struct folio *folio)
{
	memset(wk, 0, sizeof(*wk));
	wk->folio = folio;
	assert_int_equal(pthread_create(&wk->thread, NULL, walk_thread, wk), 0);
}

/*
 * Finding 11. A lazy walk holds its VMA by reference alone. The reference
 * keeps the vm_area_struct, not its mm or page tables: the process exits
 * under the walker (zap, free_pgtables(), the VMA put), and rmap_one() is
 * then handed a VMA of an exited address space, whose page tables
 * page_vma_mapped_walk() would walk after they were freed. Classic's walker
 * holds the anon_vma lock, which free_pgtables() needs for
 * unlink_anon_vmas() before any table goes.
 */
static void test_walk_outlives_exit(void **state)
{
	struct anonrmap_mm *p0;
	struct anonrmap_world *w = world_lazy(&p0, ANONRMAP_THP_NEVER);
	struct folio *folio;
	struct walker wk;

	(void)state;
	folio = held_folio(p0);

	arm(LAZY_RACE_WALK_PINNED);
	start_walker(&wk, folio);
	wait_stopped();
	/* the reader holds the root VMA pinned; its process exits now */
	assert_int_equal(anonrmap_exit(p0), 0);
	assert_int_equal(folio->mapcount, 0);
	resume();
	pthread_join(wk.thread, NULL);
	disarm();

	assert_int_equal(wk.seen.calls, 1);
	assert_ptr_equal(wk.seen.mm, (struct mm_struct *)p0);
	assert_true(wk.seen.mm_exited);
	assert_true(wk.seen.vma->vm_removed);
	folio_put(folio);
	anonrmap_world_destroy(w);
}

/*
 * Finding 12. rcuref on a type-stable VMA. folio_resolve_anon_vma_lazy()
 * reads vm_mm and the state of the VMA folio->mapping names, then vma_get()s
 * it. In between, the process unmaps it (the folio loses its last mapping
 * but is held), the VMA's count reaches zero and the object goes back to the
 * cache, and another process's mmap() gets the same object and faults it, so
 * its count is one again (two with the lazy root's pin on itself).
 * rcuref_get() succeeds on the new owner's count; nothing re-checks that the
 * VMA is still the folio's, and rmap_walk(), which does not test
 * folio_mapped(), hands the other process's VMA to rmap_one().
 */
static void test_vma_get_succeeds_on_new_owner(void **state)
{
	struct anonrmap_mm *p0, *p1;
	struct anonrmap_world *w = world_lazy(&p0, ANONRMAP_THP_NEVER);
	struct vm_area_struct *vma;
	struct folio *folio, *other;
	struct walker wk;

	(void)state;
	folio = held_folio(p0);
	vma = folio_lazy_root(folio);
	assert_int_equal(anonrmap_mm_create(w, &p1), 0);

	arm(LAZY_RACE_RESOLVE_BEFORE_GET);
	start_walker(&wk, folio);
	wait_stopped();
	/* the reader has read vm_mm == P0 and a non-zero state */
	assert_int_equal(anonrmap_munmap(p0, BASE, PG), 0);
	assert_false(kmem_obj_live(vma));
	assert_int_equal(anonrmap_mmap(p1, BASE, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_touch(p1, BASE, PG, true), 0);
	other = folio_at(p1, BASE);
	/* the same object, now P1's lazy root */
	assert_ptr_equal(folio_lazy_root(other), vma);
	assert_ptr_equal(vma->vm_mm, (struct mm_struct *)p1);
	resume();
	pthread_join(wk.thread, NULL);
	disarm();

	/* the walk of P0's unmapped folio visited P1's VMA, mapping another page */
	assert_int_equal(wk.seen.calls, 1);
	assert_ptr_equal(wk.seen.vma, vma);
	assert_ptr_equal(wk.seen.mm, (struct mm_struct *)p1);
	assert_ptr_not_equal(folio_at(p1, wk.seen.address), folio);
	/* and the reader's get and put balanced on P1's count: P1's mm + root pin */
	assert_int_equal(refcount_read(&vma->vm_lazy_refs), 2);
	folio_put(folio);
	anonrmap_world_destroy(w);
}

/* The mm folio_resolve_anon_vma_lazy() looked a piece up in, as it was then. */
static struct mm_struct *lookup_mm;
static bool lookup_mm_exited;

static void stop_or_record(enum lazy_race_point point, const void *obj)
{
	if (point == LAZY_RACE_LOOKUP) {
		lookup_mm = (struct mm_struct *)obj;
		lookup_mm_exited = lookup_mm->exited;
		return;
	}
	stop_at_point(point, obj);
}

/*
 * Finding 13. As above, but the new owner maps the object elsewhere, so the
 * folio's index is outside it and the resolver looks the "piece" up in the
 * mm it read before vma_get(): the old owner, which has exited in the
 * meantime. The posted code takes no mmget() (nor mmgrab()), so in the
 * kernel that mm_struct and its maple tree may already be freed.
 */
static void test_lookup_in_exited_mm(void **state)
{
	struct anonrmap_mm *p0, *p1;
	struct anonrmap_world *w = world_lazy(&p0, ANONRMAP_THP_NEVER);
	struct vm_area_struct *vma;
	struct folio *folio;
	struct walker wk;

	(void)state;
	folio = held_folio(p0);
	vma = folio_lazy_root(folio);
	assert_int_equal(anonrmap_mm_create(w, &p1), 0);

	arm(LAZY_RACE_RESOLVE_BEFORE_GET);
	lazy_race_hook = stop_or_record;
	lookup_mm = NULL;
	start_walker(&wk, folio);
	wait_stopped();
	assert_int_equal(anonrmap_munmap(p0, BASE, PG), 0);
	assert_int_equal(anonrmap_mmap(p1, BASE + 16 * PG, PG, RW, NULL, 0), 0);
	assert_int_equal(anonrmap_touch(p1, BASE + 16 * PG, PG, true), 0);
	assert_ptr_equal(vma->vm_mm, (struct mm_struct *)p1);
	assert_int_equal(anonrmap_exit(p0), 0);
	resume();
	pthread_join(wk.thread, NULL);
	disarm();

	assert_ptr_equal(lookup_mm, (struct mm_struct *)p0);
	assert_true(lookup_mm_exited);
	assert_int_equal(wk.seen.calls, 0);
	folio_put(folio);
	anonrmap_world_destroy(w);
}

/*
 * Migration's pin (patch 12) on a thread of its own, as migrate_pages()
 * takes it: folio locked, pinned, then held until the test says the
 * migration is over.
 */
struct migrator {
	pthread_t thread;
	const struct anon_rmap_ops *ops;
	struct folio *folio;
	void *pin;
	sem_t pinned, done;
};

static void *migrate_pin_thread(void *arg)
{
	struct migrator *m = arg;

	folio_lock(m->folio);
	m->pin = m->ops->folio_trylock_get(m->folio);
	sem_post(&m->pinned);
	sem_wait(&m->done);
	if (m->pin)
		m->ops->unlock_put(m->pin);
	folio_unlock(m->folio);
	return NULL;
}

/* The checker's reports of finding 14, counted. */
static int nr_lock_reports;

static void count_lock_reports(const char *violation, void *arg)
{
	(void)arg;
	if (strstr(violation, "vma_end_read() without a read lock") ||
	    strstr(violation, "wait for ever for a read lock nothing ends"))
		nr_lock_reports++;
}

/*
 * Finding 14. folio_trylock_get_anon_rmap() pins the folio's VMA, then calls
 * lock_vma_under_rcu(vma->vm_mm, vma->vm_start) and only tests the result
 * for NULL. Between the two, the VMA is unmapped (the pin keeps the object)
 * and a new mapping takes its place. lock_vma_under_rcu() read-locks the new
 * VMA, which migration never unlocks: anon_rmap_unlock_put() ends a read
 * lock on the old one, which nobody held. The next munmap of the new VMA
 * waits for that reader for ever.
 */
static void test_migration_locks_another_vma(void **state)
{
	struct anonrmap_mm *p0;
	struct anonrmap_world *w = world_lazy(&p0, ANONRMAP_THP_NEVER);
	struct mm_struct *mm = (struct mm_struct *)p0;
	struct vm_area_struct *vma, *replacement;
	struct migrator m = { 0 };

	(void)state;
	m.folio = held_folio(p0);
	m.ops = mm->world->rmap;
	vma = folio_lazy_root(m.folio);

	sem_init(&m.pinned, 0, 0);
	sem_init(&m.done, 0, 0);
	arm(LAZY_RACE_MIGRATE_PINNED);
	assert_int_equal(pthread_create(&m.thread, NULL, migrate_pin_thread, &m), 0);
	wait_stopped();
	assert_int_equal(anonrmap_munmap(p0, BASE, PG), 0);
	assert_true(kmem_obj_live(vma));	/* migration's reference */
	assert_int_equal(anonrmap_mmap(p0, BASE, PG, RW, NULL, 0), 0);
	mmap_read_lock(mm);
	replacement = vma_lookup(mm, BASE);
	mmap_read_unlock(mm);
	assert_ptr_not_equal(replacement, vma);
	resume();
	sem_wait(&m.pinned);
	disarm();

	/* migration believes it holds the folio's VMA; it holds the new one's lock */
	assert_non_null(m.pin);
	assert_int_equal(refcount_read(&vma->vm_refcnt), 0);		/* detached, no reader */
	assert_int_equal(refcount_read(&replacement->vm_refcnt), 2);	/* attached, one reader */
	sem_post(&m.done);
	pthread_join(m.thread, NULL);
	sem_destroy(&m.pinned);
	sem_destroy(&m.done);
	assert_int_equal(mm->vma_lock_imbalance, 1);
	assert_int_equal(refcount_read(&replacement->vm_refcnt), 2);

	/*
	 * munmap of the new VMA would wait for that reader for ever; the
	 * model goes on and counts the hang, and the checker reports both.
	 */
	assert_int_equal(replacement->vm_refcnt_leaked, 1);
	assert_int_equal(anonrmap_munmap(p0, BASE, PG), 0);
	assert_int_equal(mm->vma_lock_stuck, 1);
	nr_lock_reports = 0;
	anonrmap_check(w, count_lock_reports, NULL);
	assert_int_equal(nr_lock_reports, 2);
	folio_put(m.folio);
	anonrmap_world_destroy(w);
}

/* A huge fault (patch 11's upgrade) on a thread of its own. */
struct faulter {
	pthread_t thread;
	struct anonrmap_mm *mm;
	unsigned long addr;
	int ret;
};

static void *fault_thread(void *arg)
{
	struct faulter *f = arg;

	f->ret = anonrmap_touch(f->mm, f->addr, PG, true);
	return NULL;
}

static int count_one(struct folio *folio, struct vm_area_struct *vma, unsigned long address,
		     void *arg)
{
	pte_t *pte = pte_lookup(vma->vm_mm, address);

	if (pte && pte_present(*pte) && pte_folio(*pte) == folio)
		(*(int *)arg)++;
	return 0;
}

/*
 * Finding 15. Patch 11 upgrades a lazy VMA before a PMD fault, with
 * mmap_lock held only for reading, so another fault of the same VMA runs
 * beside it. The upgrade stores the new anon_vma in vma->anon_vma
 * (vma_unlink_anon_vma_lazy(), under the page table lock) and only later,
 * under the anon_vma lock, puts the VMA's AVC into its tree. A page fault in
 * between names that anon_vma in its new folio; an rmap walk then finds the
 * tree without the VMA and misses a mapped page. __anon_vma_prepare() sets
 * vma->anon_vma and links the AVC in one section under both locks, so
 * classic has no such window.
 */
static void test_upgrade_publishes_before_link(void **state)
{
	struct anonrmap_mm *p0;
	struct anonrmap_world *w = world_lazy(&p0, ANONRMAP_THP_MADVISE);
	struct faulter f = { 0 };
	struct folio *folio;
	int found = 0;

	(void)state;
	assert_int_equal(anonrmap_mmap(p0, BASE, 2 * HUGE, RW, NULL, 0), 0);
	/* a small folio first: the VMA is a lazy root */
	assert_int_equal(anonrmap_touch(p0, BASE, PG, true), 0);
	assert_int_equal(anonrmap_madvise(p0, BASE, 2 * HUGE, ANONRMAP_MADV_HUGEPAGE), 0);

	arm(LAZY_RACE_UPGRADE_PUBLISHED);
	f.mm = p0;
	f.addr = BASE + HUGE;	/* an empty, aligned PMD: the huge fault upgrades */
	assert_int_equal(pthread_create(&f.thread, NULL, fault_thread, &f), 0);
	wait_stopped();
	/* a page fault where a page table exists: no upgrade, a small folio */
	assert_int_equal(anonrmap_touch(p0, BASE + PG, PG, true), 0);
	folio = folio_at(p0, BASE + PG);
	assert_false(folio_test_anon_vma_lazy(folio));
	assert_int_equal(folio->mapcount, 1);
	rmap_walk(folio, count_one, &found);
	assert_int_equal(found, 0);	/* mapped, and the rmap does not find it */
	resume();
	pthread_join(f.thread, NULL);
	disarm();
	assert_int_equal(f.ret, 0);

	/* once the upgrade links the AVC, the same walk finds it */
	rmap_walk(folio, count_one, &found);
	assert_int_equal(found, 1);
	anonrmap_world_destroy(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_outlives_exit),
		cmocka_unit_test(test_vma_get_succeeds_on_new_owner),
		cmocka_unit_test(test_lookup_in_exited_mm),
		cmocka_unit_test(test_migration_locks_another_vma),
		cmocka_unit_test(test_upgrade_publishes_before_link),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
