// SPDX-License-Identifier: GPL-2.0-only
/*
 * Declared files: every page is in the page cache from the start (the kernel
 * runner fills a memfd), so a fault never has to read anything in and the
 * page cache holds one reference on each folio until the world ends.
 */
#include <stdlib.h>

#include "mm/internal.h"
#include "mm/world.h"

int file_create(struct world *w, unsigned long len, struct file **out)
{
	struct file *file, **files;

	if (!len || !PAGE_ALIGNED(len))
		return -EINVAL;
	file = calloc(1, sizeof(*file));
	files = realloc(w->files, (w->nr_files + 1) * sizeof(*files));
	if (!file || !files) {
		free(file);
		if (files)
			w->files = files;
		return -ENOMEM;
	}
	w->files = files;
	file->world = w;
	file->nr_pages = len >> PAGE_SHIFT;
	file->page_cache = calloc(file->nr_pages, sizeof(*file->page_cache));
	if (!file->page_cache) {
		free(file);
		return -ENOMEM;
	}
	for (unsigned long i = 0; i < file->nr_pages; i++) {
		file->page_cache[i] = folio_alloc_file(w, file, i);
		if (!file->page_cache[i]) {
			file_destroy(file);
			return -ENOMEM;
		}
	}
	file->id = w->nr_files;
	w->files[w->nr_files++] = file;
	*out = file;
	return 0;
}

/* Drop the page cache's references; mapped folios live on until unmapped. */
void file_destroy(struct file *file)
{
	for (unsigned long i = 0; i < file->nr_pages; i++)
		if (file->page_cache[i])
			folio_put(file->page_cache[i]);
	free(file->page_cache);
	free(file);
}

struct folio *filemap_get_folio(struct file *file, pgoff_t index)
{
	return index < file->nr_pages ? file->page_cache[index] : NULL;
}
