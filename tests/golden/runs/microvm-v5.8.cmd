run scenarios/microvm-boot.nls --set profile=v5.8
