run scenarios/microvm-boot.nls --set profile=v6.18
