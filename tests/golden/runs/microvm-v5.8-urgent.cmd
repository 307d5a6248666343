run scenarios/microvm-boot.nls --set profile=v5.8 --set linkwatch.urgent_on_up_oper_down=1
