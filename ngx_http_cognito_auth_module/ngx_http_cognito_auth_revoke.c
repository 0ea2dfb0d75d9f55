
/*
 * Copyright (C) ngx_http_cognito_auth_module authors
 *
 * cognito_auth_revocation_list: a JSON file of revoked jti, origin_jti and
 * sub-issued-before entries.  Read and checked at configuration time; each
 * worker then reads it again on a timer and loads it when its content
 * changed, so revocations apply without a reload.  The content decides, not
 * the file's inode, size and mtime: a rewrite in place with the same size
 * within one timestamp tick (a second on some filesystems, a jiffy on
 * others) leaves all three as they were.  The file is local and capped at
 * COGNITO_REVOCATION_MAX_LEN; requests never touch it.  The file reader
 * here also reads jwks_file= for the JWKS.  With uri= the list comes from
 * a location instead: ngx_http_cognito_auth_revoke_fetch.c fetches it.
 */


#include <ngx_config.h>
#include <ngx_core.h>
#include <ngx_http.h>

#include "ngx_http_cognito_auth_module.h"


static ngx_int_t ngx_http_cognito_auth_revocation_read(ngx_log_t *log,
    ngx_str_t *name, ngx_file_info_t *fi, cognito_revocation_t *current,
    cognito_revocation_t **rl, cognito_err_t *err);
static char *ngx_http_cognito_auth_revocation_uri(ngx_conf_t *cf,
    ngx_http_cognito_auth_main_conf_t *camcf, ngx_str_t *value);
static void ngx_http_cognito_auth_revocation_timer(ngx_event_t *ev);
static void ngx_http_cognito_auth_revocation_cleanup(void *data);


/* cognito_auth_revocation_list path | uri=uri [check=time]; */

char *
ngx_http_cognito_auth_revocation_list(ngx_conf_t *cf, ngx_command_t *cmd,
    void *conf)
{
    ngx_http_cognito_auth_main_conf_t *camcf = conf;

    ngx_str_t            *value, s;
    ngx_msec_t            check;
    cognito_err_t         err;
    ngx_file_info_t       fi;
    ngx_pool_cleanup_t   *cln;

    if (camcf->revocation_file.data != NULL
        || camcf->revocation_uri.data != NULL)
    {
        return "is duplicate";
    }

    value = cf->args->elts;

    check = 5000;

    if (cf->args->nelts == 3) {
        if (ngx_strncmp(value[2].data, "check=", 6) != 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid parameter \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }

        s.data = value[2].data + 6;
        s.len = value[2].len - 6;

        check = ngx_parse_time(&s, 0);

        if (check == (ngx_msec_t) NGX_ERROR || check == 0) {
            ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                               "invalid duration in \"%V\"", &value[2]);
            return NGX_CONF_ERROR;
        }
    }

    camcf->revocation_check = check;

    if (ngx_strncmp(value[1].data, "uri=", 4) == 0) {
        return ngx_http_cognito_auth_revocation_uri(cf, camcf, &value[1]);
    }

    camcf->revocation_file = value[1];

    if (ngx_conf_full_name(cf->cycle, &camcf->revocation_file, 1) != NGX_OK) {
        return NGX_CONF_ERROR;
    }

    cln = ngx_pool_cleanup_add(cf->pool, 0);
    if (cln == NULL) {
        return NGX_CONF_ERROR;
    }

    if (ngx_http_cognito_auth_revocation_read(cf->log,
                                              &camcf->revocation_file, &fi,
                                              NULL, &camcf->revocation_conf,
                                              &err)
        != NGX_OK)
    {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid revocation list \"%V\": %s",
                           &camcf->revocation_file, err.msg);
        return NGX_CONF_ERROR;
    }

    cln->handler = ngx_http_cognito_auth_revocation_cleanup;
    cln->data = camcf->revocation_conf;

    camcf->revocation = camcf->revocation_conf;

    /* no broken version reported (see the timer) */
    camcf->revocation_size = -1;

    return NGX_CONF_OK;
}


/*
 * uri=: a location that serves the list, fetched by subrequest, which needs
 * the zone (nginx -t checks that every server with cognito_auth serves it
 * from an internal location).  Fetches are timed in whole seconds.
 */

static char *
ngx_http_cognito_auth_revocation_uri(ngx_conf_t *cf,
    ngx_http_cognito_auth_main_conf_t *camcf, ngx_str_t *value)
{
    ngx_str_t  uri;

    uri.data = value->data + 4;
    uri.len = value->len - 4;

    if (uri.len == 0 || uri.data[0] != '/') {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "invalid revocation list \"%V\": uri= takes a "
                           "location, such as uri=/_cognito_revoked", value);
        return NGX_CONF_ERROR;
    }

    if (camcf->revocation_check < 1000) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "revocation list \"%V\": check= must be 1s or "
                           "more with uri=", value);
        return NGX_CONF_ERROR;
    }

    if (camcf->shm_zone == NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, 0,
                           "revocation list \"%V\" needs a "
                           "\"cognito_auth_zone\" defined before it", value);
        return NGX_CONF_ERROR;
    }

    camcf->revocation_uri = uri;

    return NGX_CONF_OK;
}


/*
 * NGX_OK with a new list in *rl, NGX_DECLINED when the file holds the text
 * "current" was loaded from, NGX_ERROR (err->msg says why).
 */

static ngx_int_t
ngx_http_cognito_auth_revocation_read(ngx_log_t *log, ngx_str_t *name,
    ngx_file_info_t *fi, cognito_revocation_t *current,
    cognito_revocation_t **rl, cognito_err_t *err)
{
    ngx_int_t                      rc;
    ngx_http_cognito_auth_file_t   file;

    static const char  *open_failed = "cannot be opened";
    static const char  *too_large = "too large";
    static const char  *read_failed = "cannot be read";

    ngx_memzero(&file, sizeof(ngx_http_cognito_auth_file_t));

    file.name = *name;
    file.max = COGNITO_REVOCATION_MAX_LEN;

    rc = ngx_http_cognito_auth_read_file(&file, log);

    if (file.opened) {
        *fi = file.fi;
    }

    if (rc == NGX_DECLINED) {
        err->msg = too_large;
        return NGX_ERROR;
    }

    if (rc != NGX_OK) {
        if (!file.opened) {
            ngx_log_error(NGX_LOG_ERR, log, file.err,
                          ngx_open_file_n " \"%V\" failed", name);
            err->msg = open_failed;

        } else {
            err->msg = read_failed;
        }

        return NGX_ERROR;
    }

    rc = NGX_ERROR;

    if (cognito_revocation_same(current, (const char *) file.data, file.len)) {
        rc = NGX_DECLINED;

    } else if (cognito_revocation_load((const char *) file.data, file.len,
                                       rl, err)
               == COGNITO_OK)
    {
        rc = NGX_OK;
    }

    ngx_free(file.data);

    return rc;
}


/*
 * The same at configuration time (jwks_file=, the session key file): the
 * name completed with the prefix, a failed call logged at emerg.  NGX_OK,
 * NGX_DECLINED (larger than file->max, for the caller to say), NGX_ERROR.
 */

ngx_int_t
ngx_http_cognito_auth_conf_file(ngx_conf_t *cf,
    ngx_http_cognito_auth_file_t *file)
{
    ngx_int_t  rc;

    if (ngx_conf_full_name(cf->cycle, &file->name, 1) != NGX_OK) {
        return NGX_ERROR;
    }

    rc = ngx_http_cognito_auth_read_file(file, cf->log);

    if (rc == NGX_ERROR && file->failed != NULL) {
        ngx_conf_log_error(NGX_LOG_EMERG, cf, file->err, "%s \"%s\" failed",
                           file->failed, file->name.data);
    }

    return rc;
}


/*
 * Reads a small local file whole (the revocation list, jwks_file=) into
 * memory from ngx_alloc(), for the caller to free.  NGX_OK; NGX_DECLINED
 * when it is larger than file->max; NGX_ERROR: file->failed names the call
 * that failed and file->err its error (NULL: out of memory).
 */

ngx_int_t
ngx_http_cognito_auth_read_file(ngx_http_cognito_auth_file_t *file,
    ngx_log_t *log)
{
    ssize_t    n;
    ngx_fd_t   fd;
    ngx_int_t  rc;

    file->data = NULL;
    file->len = 0;

    fd = ngx_open_file(file->name.data, NGX_FILE_RDONLY, NGX_FILE_OPEN, 0);
    if (fd == NGX_INVALID_FILE) {
        file->err = ngx_errno;
        file->failed = ngx_open_file_n;
        return NGX_ERROR;
    }

    file->opened = 1;

    rc = NGX_ERROR;

    if (ngx_fd_info(fd, &file->fi) == NGX_FILE_ERROR) {
        file->err = ngx_errno;
        file->failed = ngx_fd_info_n;
        goto done;
    }

    file->len = (size_t) ngx_file_size(&file->fi);

    if (file->len > file->max) {
        rc = NGX_DECLINED;
        goto done;
    }

    file->data = ngx_alloc(file->len + 1, log);
    if (file->data == NULL) {
        goto done;
    }

    n = ngx_read_fd(fd, file->data, file->len);

    if (n != (ssize_t) file->len) {
        file->err = (n == -1) ? ngx_errno : 0;
        file->failed = ngx_read_fd_n;
        ngx_free(file->data);
        file->data = NULL;
        goto done;
    }

    rc = NGX_OK;

done:

    if (ngx_close_file(fd) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ALERT, log, ngx_errno,
                      ngx_close_file_n " \"%V\" failed", &file->name);
    }

    return rc;
}


/* each worker watches the file on a timer of its own */

void
ngx_http_cognito_auth_revocation_init(ngx_cycle_t *cycle,
    ngx_http_cognito_auth_main_conf_t *camcf)
{
    if (camcf->revocation_file.data == NULL) {
        return;
    }

    camcf->revocation_ev.handler = ngx_http_cognito_auth_revocation_timer;
    camcf->revocation_ev.data = camcf;
    camcf->revocation_ev.log = cycle->log;
    camcf->revocation_ev.cancelable = 1;

    ngx_add_timer(&camcf->revocation_ev, camcf->revocation_check);
}


static void
ngx_http_cognito_auth_revocation_timer(ngx_event_t *ev)
{
    ngx_http_cognito_auth_main_conf_t *camcf = ev->data;

    ngx_int_t              rc;
    cognito_err_t          err;
    ngx_file_info_t        fi;
    cognito_revocation_t  *rl;

    if (ngx_exiting || ngx_quit || ngx_terminate) {
        return;
    }

    if (ngx_file_info(camcf->revocation_file.data, &fi) == NGX_FILE_ERROR) {
        ngx_log_error(NGX_LOG_ERR, ev->log, ngx_errno,
                      "cognito auth: revocation list \"%V\": "
                      ngx_file_info_n " failed, keeping the last one",
                      &camcf->revocation_file);
        goto next;
    }

    rc = ngx_http_cognito_auth_revocation_read(ev->log,
                                               &camcf->revocation_file, &fi,
                                               camcf->revocation, &rl, &err);

    if (rc == NGX_DECLINED) {
        ngx_log_debug1(NGX_LOG_DEBUG_HTTP, ev->log, 0,
                       "cognito auth: revocation list \"%V\" unchanged",
                       &camcf->revocation_file);

        camcf->revocation_size = -1;

    } else if (rc == NGX_ERROR) {

        /*
         * Whether the list changed is the content's call; the file's
         * identity (inode, mtime, size) only keeps one broken version from
         * being reported on every check.  revocation_size is -1 while no
         * broken version is reported.
         */

        if (ngx_file_uniq(&fi) == camcf->revocation_uniq
            && ngx_file_mtime(&fi) == camcf->revocation_mtime
            && ngx_file_size(&fi) == camcf->revocation_size)
        {
            ngx_log_debug2(NGX_LOG_DEBUG_HTTP, ev->log, 0,
                           "cognito auth: revocation list \"%V\" still %s",
                           &camcf->revocation_file, err.msg);

        } else {
            ngx_log_error(NGX_LOG_ERR, ev->log, 0,
                          "cognito auth: revocation list \"%V\" %s, "
                          "keeping the last one",
                          &camcf->revocation_file, err.msg);

            camcf->revocation_uniq = ngx_file_uniq(&fi);
            camcf->revocation_mtime = ngx_file_mtime(&fi);
            camcf->revocation_size = ngx_file_size(&fi);
        }

    } else {
        if (camcf->revocation != camcf->revocation_conf) {
            cognito_revocation_free(camcf->revocation);
        }

        camcf->revocation = rl;

        ngx_log_error(NGX_LOG_NOTICE, ev->log, 0,
                      "cognito auth: revocation list \"%V\" reloaded: "
                      "%uz entries", &camcf->revocation_file,
                      cognito_revocation_count(rl));

        camcf->revocation_size = -1;
    }

next:

    ngx_add_timer(ev, camcf->revocation_check);
}


void
ngx_http_cognito_auth_revocation_exit(ngx_http_cognito_auth_main_conf_t *camcf)
{
    if (camcf->revocation != NULL
        && camcf->revocation != camcf->revocation_conf)
    {
        cognito_revocation_free(camcf->revocation);
    }

    camcf->revocation = camcf->revocation_conf;
}


static void
ngx_http_cognito_auth_revocation_cleanup(void *data)
{
    cognito_revocation_free(data);
}
