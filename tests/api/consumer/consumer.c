// SPDX-License-Identifier: GPL-2.0-only
/*
 * A program outside the source tree, built only from what `cmake --install`
 * put in the prefix. It prints the header's version for the script to match
 * against the package's, and fails unless a fork leaves a consistent world.
 */
#include <stdio.h>
#include <string.h>

#include <anonrmap/anonrmap.h>

int main(void)
{
	struct anonrmap_world *world;
	struct anonrmap_mm *p0, *child;
	int err, violations;

	err = anonrmap_world_create(NULL, &world, &p0);
	if (err) {
		fprintf(stderr, "anonrmap_world_create: %s\n", strerror(-err));
		return 1;
	}
	err = anonrmap_mmap(p0, 0x100000000000ULL, 8192,
			    ANONRMAP_PROT_READ | ANONRMAP_PROT_WRITE, NULL, 0);
	if (!err)
		err = anonrmap_touch(p0, 0x100000000000ULL, 8192, true);
	if (!err)
		err = anonrmap_fork(p0, &child);
	violations = anonrmap_check(world, NULL, NULL);
	anonrmap_world_destroy(world);
	if (err || violations) {
		fprintf(stderr, "err %d, %d violations\n", err, violations);
		return 1;
	}
	printf("%s\n", ANONRMAP_VERSION);
	return 0;
}
