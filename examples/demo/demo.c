/*
 * Harrier's quick-start example: a small program that does a little of everything Harrier
 * reports on — starts processes, reads, writes, renames and deletes files, changes a file's
 * mode, and talks TCP to itself over loopback — then exits 0.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int serve_once(void) {
    int srv = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int one = 1;
    setsockopt(srv, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (bind(srv, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(srv, 1) != 0) return -1;
    socklen_t len = sizeof addr;
    getsockname(srv, (struct sockaddr *)&addr, &len);

    pid_t client = fork();
    if (client == 0) {
        int c = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c, (struct sockaddr *)&addr, sizeof addr) == 0) {
            const char msg[] = "GET / HTTP/1.0\r\n\r\n";
            write(c, msg, sizeof msg - 1);
        }
        close(c);
        _exit(0);
    }
    int conn = accept(srv, NULL, NULL);
    char buf[64];
    if (conn >= 0) {
        read(conn, buf, sizeof buf);
        close(conn);
    }
    close(srv);
    waitpid(client, NULL, 0);
    return 0;
}

int main(void) {
    char dir[] = "/tmp/harrier-demo-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[256], moved[256];
    snprintf(path, sizeof path, "%s/report.txt", dir);
    snprintf(moved, sizeof moved, "%s/report.old", dir);

    int fd = open("/etc/hostname", O_RDONLY);
    if (fd >= 0) close(fd);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd >= 0) {
        write(fd, "hello\n", 6);
        close(fd);
    }
    chmod(path, 0600);
    rename(path, moved);

    pid_t child = fork();
    if (child == 0) {
        execl("/bin/sh", "sh", "-c", "ls / > /dev/null", (char *)NULL);
        _exit(127);
    }
    waitpid(child, NULL, 0);

    serve_once();

    unlink(moved);
    rmdir(dir);
    puts("demo: done");
    return 0;
}
