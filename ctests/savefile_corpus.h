/* Shared by the savefile ctests: walking $CORPUS/pcaps in a fixed order, and a hash. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t fnv_add(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return h;
}
#define FNV_START 1469598103934665603ULL

/* Calls visit(path, name-relative-to-pcaps) for every regular file under dir, sorted. */
static void walk(const char *dir, const char *rel, void (*visit)(const char *, const char *))
{
    struct dirent **list;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0) return;
    for (int i = 0; i < n; i++) {
        const char *name = list[i]->d_name;
        if (name[0] != '.') {
            char path[4096], r[4096];
            snprintf(path, sizeof path, "%s/%s", dir, name);
            snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", name);
            if (list[i]->d_type == DT_DIR) walk(path, r, visit);
            else visit(path, r);
        }
        free(list[i]);
    }
    free(list);
}

/* Visits every corpus file; returns 0 (after saying so) when there is no corpus. */
static int walk_corpus(void (*visit)(const char *, const char *))
{
    const char *corpus = getenv("CORPUS");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/pcaps", corpus ? corpus : "../shared/corpus");
    DIR *d = opendir(dir);
    if (!d) { printf("no corpus at %s: skipped\n", dir); return 0; }
    closedir(d);
    walk(dir, "", visit);
    return 1;
}
