#!/usr/bin/env bash
# A real WordPress for tests/real/test_wordpress.py, from Debian's packages: wordpress, MariaDB and
# Apache with mod_php, listening on 127.0.0.1 only. Two sites share the one installation (Debian's
# wp-config.php picks /etc/wordpress/config-<name>.php by the WORDPRESS_CONFIG the virtual host sets):
#   pretty  http://127.0.0.1:8781  pretty permalinks, /wp-json/ rewritten to WordPress
#   plain   http://127.0.0.1:8782  plain permalinks and no rewriting: /wp-json/ is Apache's own 404,
#           the REST API only at ?rest_route= (what discovery must find)
# Each has an administrator and an author, each with an application password (made new on every run,
# since WordPress keeps only their hashes), written with the addresses to
# $REFRAIN_REAL_SERVICES/wordpress.json. A must-use plugin makes a lost answer on request: while the
# file named "delay_flag" there exists, the next post saved through the REST API is answered only
# after the number of seconds the file holds (the post is saved first), and the file is removed;
# while "no_link_flag" exists, the sites' pages don't announce their API (a Link header dropped).
#   scripts/real/wordpress.sh setup     (as root; idempotent: a second run takes a few seconds)
set -euo pipefail

STATE=${REFRAIN_REAL_SERVICES:-/tmp/refrain-real}
PRETTY_PORT=${REFRAIN_WP_PRETTY_PORT:-8781}
PLAIN_PORT=${REFRAIN_WP_PLAIN_PORT:-8782}
DB_USER=refrain_wp
DB_PASSWORD=refrain-wp-local-only
FLAG_DIR=/var/lib/wordpress/refrain-delay
MU_PLUGINS=/var/lib/wordpress/wp-content/mu-plugins

packages() {
    local wanted=(wordpress mariadb-server apache2 libapache2-mod-php php-mysql php-cli curl)
    if ! dpkg -s "${wanted[@]}" >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${wanted[@]}" >/dev/null
    fi
}

database() {
    if ! mysqladmin ping --silent >/dev/null 2>&1; then
        service mariadb start >/dev/null
    fi
    for _ in $(seq 50); do mysqladmin ping --silent >/dev/null 2>&1 && break; sleep 0.2; done
    mysql -u root <<SQL
CREATE USER IF NOT EXISTS '$DB_USER'@'localhost' IDENTIFIED BY '$DB_PASSWORD';
CREATE DATABASE IF NOT EXISTS refrain_wp_pretty CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS refrain_wp_plain CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
GRANT ALL ON refrain_wp_pretty.* TO '$DB_USER'@'localhost';
GRANT ALL ON refrain_wp_plain.* TO '$DB_USER'@'localhost';
SQL
}

site_config() {  # name port
    local file=/etc/wordpress/config-refrain-$1.php
    [ -f "$file" ] && return
    local salt
    salt=$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')
    cat >"$file" <<PHP
<?php
// the $1 test site of scripts/real/wordpress.sh
define('DB_NAME', 'refrain_wp_$1');
define('DB_USER', '$DB_USER');
define('DB_PASSWORD', '$DB_PASSWORD');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('WP_HOME', 'http://127.0.0.1:$2');
define('WP_SITEURL', 'http://127.0.0.1:$2');
// application passwords over plain http need a local environment (elsewhere WordPress wants https)
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT',
          'LOGGED_IN_SALT', 'NONCE_SALT'] as \$key) {
    define(\$key, '$salt' . \$key);
}
PHP
    chmod 640 "$file"
    chgrp www-data "$file"
}

web_server() {
    cat >/etc/apache2/ports.conf <<CONF
# only the test sites of scripts/real/wordpress.sh, on the loopback
Listen 127.0.0.1:$PRETTY_PORT
Listen 127.0.0.1:$PLAIN_PORT
CONF
    cat >/etc/apache2/sites-available/refrain-wordpress.conf <<CONF
ServerName 127.0.0.1
<Directory /usr/share/wordpress>
    Options FollowSymLinks
    AllowOverride None
    Require all granted
    DirectoryIndex index.php
</Directory>
<Directory /var/lib/wordpress/wp-content>
    Options FollowSymLinks
    Require all granted
</Directory>
<VirtualHost 127.0.0.1:$PRETTY_PORT>
    DocumentRoot /usr/share/wordpress
    Alias /wp-content /var/lib/wordpress/wp-content
    SetEnv WORDPRESS_CONFIG refrain-pretty
    RewriteEngine On
    RewriteCond %{REQUEST_URI} !^/wp-content/
    RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-f
    RewriteCond %{DOCUMENT_ROOT}%{REQUEST_URI} !-d
    RewriteRule . /index.php [L]
</VirtualHost>
<VirtualHost 127.0.0.1:$PLAIN_PORT>
    DocumentRoot /usr/share/wordpress
    Alias /wp-content /var/lib/wordpress/wp-content
    SetEnv WORDPRESS_CONFIG refrain-plain
</VirtualHost>
CONF
    a2enmod -q rewrite >/dev/null
    a2dissite -q 000-default >/dev/null 2>&1 || true
    a2ensite -q refrain-wordpress >/dev/null
    local pid=/var/run/apache2/apache2.pid
    if [ -s "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null; then
        apache2ctl graceful
    else
        apache2ctl start
    fi
}

delay_plugin() {
    mkdir -p "$MU_PLUGINS" "$FLAG_DIR"
    chown www-data:www-data "$FLAG_DIR"
    cat >"$MU_PLUGINS/refrain-lost-answer.php" <<PHP
<?php
/*
 * Plugin Name: Refrain's lost answer (tests only)
 * Description: while $FLAG_DIR/delay exists, the next post saved through the REST API is answered
 * only after the seconds the file holds: the post is saved, the client has given up waiting.
 */
add_action('rest_after_insert_post', function () {
    \$flag = '$FLAG_DIR/delay';
    if (!is_file(\$flag)) {
        return;
    }
    \$seconds = (int) trim((string) file_get_contents(\$flag));
    @unlink(\$flag);
    sleep(max(1, min(\$seconds, 60)));
}, 1000);
// while $FLAG_DIR/no-link exists, the site's pages do not announce the API (as behind a proxy that
// drops the Link header): a client must find it at ?rest_route=/
if (is_file('$FLAG_DIR/no-link')) {
    remove_action('template_redirect', 'rest_output_link_header', 11);
}
PHP
}

install_site() {  # name port title permalink-structure
    WORDPRESS_CONFIG=refrain-$1 php -d display_errors=stderr -r '
        $_SERVER["HTTP_HOST"] = "127.0.0.1";
        $_SERVER["REQUEST_URI"] = "/";
        define("WP_INSTALLING", true);
        function wp_mail() { return true; }  // no mail server here: the welcome mails go nowhere
        require "/usr/share/wordpress/wp-load.php";
        require_once ABSPATH . "wp-admin/includes/upgrade.php";
        [$script, $name, $title, $structure, $out] = $argv;
        if (!is_blog_installed()) {
            wp_install($title, "admin", "admin@example.com", false, "", wp_generate_password(24));
        }
        update_option("permalink_structure", $structure);
        update_option("timezone_string", "");
        update_option("gmt_offset", 0);
        $users = [];
        foreach (["admin" => "administrator", "author" => "author"] as $login => $role) {
            $user = get_user_by("login", $login);
            if (!$user) {
                $id = wp_insert_user(["user_login" => $login, "user_pass" => wp_generate_password(24),
                    "user_email" => "$login@example.com", "display_name" => ucfirst($login) . " of $name",
                    "role" => $role]);
                $user = get_user_by("id", $id);
            }
            foreach (WP_Application_Passwords::get_user_application_passwords($user->ID) as $item) {
                WP_Application_Passwords::delete_application_password($user->ID, $item["uuid"]);
            }
            [$password] = WP_Application_Passwords::create_new_application_password($user->ID, ["name" => "refrain"]);
            $users[$login] = ["user" => $login, "id" => $user->ID, "app_password" => $password,
                "name" => $user->display_name];
        }
        file_put_contents($out, json_encode(["url" => home_url("/"), "users" => $users]));
    ' "$1" "$3" "$4" "$STATE/wordpress-$1.json"
}

setup() {
    local started=$SECONDS
    mkdir -p "$STATE"
    packages
    database
    site_config pretty "$PRETTY_PORT"
    site_config plain "$PLAIN_PORT"
    delay_plugin
    install_site pretty "$PRETTY_PORT" "Refrain pretty" "/%year%/%monthnum%/%postname%/"
    install_site plain "$PLAIN_PORT" "Refrain plain" ""
    web_server
    for port in "$PRETTY_PORT" "$PLAIN_PORT"; do
        for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$port/?rest_route=/" && break; sleep 0.2; done
    done
    php -r '
        [$script, $state, $flag] = $argv;
        $sites = [];
        foreach (["pretty", "plain"] as $name) {
            $sites[$name] = json_decode(file_get_contents("$state/wordpress-$name.json"), true);
            unlink("$state/wordpress-$name.json");
        }
        file_put_contents("$state/wordpress.json", json_encode(
            ["sites" => $sites, "delay_flag" => "$flag/delay", "no_link_flag" => "$flag/no-link"],
            JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES));
    ' "$STATE" "$FLAG_DIR"
    chmod 600 "$STATE/wordpress.json"
    echo "WordPress ready in $((SECONDS - started)) s: http://127.0.0.1:$PRETTY_PORT/ and http://127.0.0.1:$PLAIN_PORT/"
}

case "${1:-}" in
    setup) setup ;;
    *) echo "usage: $0 setup" >&2; exit 2 ;;
esac
