# ~/.bashrc for the lab's root shell
[ -z "$PS1" ] && return
shopt -s checkwinsize histappend
HISTSIZE=5000
PS1='\[\e[1;32m\]root@lab\[\e[0m\]:\[\e[1;34m\]\w\[\e[0m\]# '
[ -r /usr/share/bash-completion/bash_completion ] && . /usr/share/bash-completion/bash_completion
alias ls='ls --color=auto' ll='ls -l' la='ls -A'
alias grep='grep --color=auto'
shopt -q login_shell && [ -r /etc/motd ] && cat /etc/motd
