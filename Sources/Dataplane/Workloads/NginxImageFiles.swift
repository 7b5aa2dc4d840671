/// The files the nginx images bring in `/etc/nginx`, for a sandboxed pod that does not mount its own (the official
/// `nginx` image, and `nginxinc/nginx-unprivileged`, which runs as an ordinary user on 8080 with its pid and temp
/// files in /tmp). Their text is the images' configuration, which a pod's volumes replace file by file.
enum NginxImageFiles {
    case official
    case unprivileged

    init(image: String?) {
        self = (image ?? "").contains("unprivileged") ? .unprivileged : .official
    }

    /// The port the image's default server listens on.
    var defaultPort: Int { self == .unprivileged ? 8080 : 80 }

    /// `/etc/nginx/nginx.conf`.
    var mainConfig: String {
        let head =
            self == .unprivileged
            ? """
            worker_processes  auto;

            error_log  /var/log/nginx/error.log notice;
            pid        /tmp/nginx.pid;

            """
            : """
            user  nginx;
            worker_processes  auto;

            error_log  /var/log/nginx/error.log notice;
            pid        /var/run/nginx.pid;

            """
        let temp =
            self == .unprivileged
            ? """
                client_body_temp_path /tmp/client_temp;
                proxy_temp_path       /tmp/proxy_temp_path;
                fastcgi_temp_path     /tmp/fastcgi_temp;
                uwsgi_temp_path       /tmp/uwsgi_temp;
                scgi_temp_path        /tmp/scgi_temp;

            """
            : ""
        return head + """

            events {
                worker_connections  1024;
            }


            http {
            \(temp)    include       /etc/nginx/mime.types;
                default_type  application/octet-stream;

                log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                                  '$status $body_bytes_sent "$http_referer" '
                                  '"$http_user_agent" "$http_x_forwarded_for"';

                access_log  /var/log/nginx/access.log  main;

                sendfile        on;

                keepalive_timeout  65;

                include /etc/nginx/conf.d/*.conf;
            }

            """
    }

    /// `/etc/nginx/conf.d/default.conf`: "Welcome to nginx!" from /usr/share/nginx/html.
    var defaultServer: String {
        """
        server {
            listen       \(defaultPort);
            listen  [::]:\(defaultPort);
            server_name  localhost;

            location / {
                root   /usr/share/nginx/html;
                index  index.html index.htm;
            }

            error_page   500 502 503 504  /50x.html;
            location = /50x.html {
                root   /usr/share/nginx/html;
            }
        }

        """
    }

    /// Files of this machine's nginx that the images also have in /etc/nginx (copied when present).
    static let sharedFiles = ["mime.types", "fastcgi_params", "scgi_params", "uwsgi_params"]

    /// The images' `/etc/passwd` and `/etc/group`: root, nginx (101) and nobody.
    static let passwd = """
        root:x:0:0:root:/root:/bin/sh
        nginx:x:101:101:nginx user:/nonexistent:/bin/false
        nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin

        """
    static let group = """
        root:x:0:
        nginx:x:101:
        nogroup:x:65534:

        """
}
