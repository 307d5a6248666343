run scenarios/ovs-churn-all.nls --set ifaces=2 --set rtnl.delay=10000
